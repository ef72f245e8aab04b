"""`python -m crawler --config PATH [--site SLUG ...]`: one crawl in this process (crawler/crawl_process.py).

The crawl is started under this name because multiprocessing imports the main module of each new
photo worker again when it was run with -m, except a package's __main__: the workers load only
what hashing and extraction need (crawler/pipelines.py).
"""

from crawler.crawl_process import run_as_main

run_as_main()
