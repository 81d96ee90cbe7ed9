"""Engines that code documents somewhere other than this process.

An engine turns the run's stream of documents into coded documents, in input order (see
`dragoman.pipeline.LocalEngine` for the interface and the engines of this machine). Here:
`ray.RayEngine`, a Ray cluster (`dragoman code --engine ray`), which needs the `ray` extra
(`pip install 'dragoman[ray]'`) and is imported only when asked for.
"""
