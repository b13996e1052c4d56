"""Reading a page: HTML parsed once (:mod:`extraction.dom`: the spider finds links in it) and the
page model the analyzers judge (:mod:`extraction.page`). Plain functions, no I/O."""
