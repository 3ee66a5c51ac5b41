"""Entities: a sentence in, its typed mentions out.

Takes the normalized sentences of an article's windows; gives each one's mentions (persons, organizations,
units, posts, times, departure words, pronouns, ranks), each marked with the finder or rule that found it.
A spaCy pipeline (`spacy_pipeline`) runs one component per finder step (`analyzer`): the rules
(`organizations`, `persons`, `dates`), jieba's segmentation (`segment`) and the trained LAC model
(`lac_tagger`), merged by written rules (`model_merge`). `sentences` cuts an article into sentences and
paragraphs.
"""
