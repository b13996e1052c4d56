"""Preloaded by the fork server of the analysis workers (:mod:`pipelines.judge`): the rule engine,
lexicons, model and word segmenter are loaded here once, and every worker is forked from this warm
process. ``gc.freeze``: a worker's collections then skip what it inherited, and do not copy those
memory pages by touching them."""

import gc

from pipelines.judge import warm

warm()
gc.freeze()
