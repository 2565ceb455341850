"""What every layer shares; imports nothing else of coursekit, every subpackage may import it.

- :mod:`~coursekit.common.errors`: the one exception family and :class:`Problem` records;
- :mod:`~coursekit.common.csvfile`: the one CSV reader (encodings, delimiters, rows counted
  as records) and the cell texts that mean missing;
- :mod:`~coursekit.common.checks`: whole-number argument checks with one message;
- :mod:`~coursekit.common.text`: text reduced for comparison (labels, headers, answers);
- :mod:`~coursekit.common.pseudonyms`: the one HMAC pseudonym scheme and key-length rule;
- :mod:`~coursekit.common.atomic`, :mod:`~coursekit.common.paths`: safe writing, bundled data;
- :mod:`~coursekit.common.mime`, :mod:`~coursekit.common.lean`: notebook MIME types, and
  slow optional imports kept out of a process.

>>> import coursekit.common
>>> coursekit.common.__name__
'coursekit.common'
"""
