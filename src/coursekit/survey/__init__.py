"""What is measured and how answers arrive. Imports :mod:`coursekit.common` only.

- :mod:`~coursekit.survey.codebook`: items, scales, response options, variables (data files);
- :mod:`~coursekit.survey.load`: reading and validating survey files against the codebook;
- :mod:`~coursekit.survey.canonical`: writing a survey frame as the canonical CSV file;
- :mod:`~coursekit.survey.clean`: careless-responder flags and out-of-range answers;
- :mod:`~coursekit.survey.simulate`: the seeded synthetic cohort;
- :mod:`~coursekit.survey.consent`: the consent question the questionnaire asks and the
  importers read;
- :mod:`~coursekit.survey.instrument`: the questionnaire (Markdown, HTML, Qualtrics);
- :mod:`~coursekit.survey.importers`: form exports to the canonical file, one module a step;
- :mod:`~coursekit.survey.deidentify`: identifying columns, salted pseudonyms, redaction;
- :mod:`~coursekit.survey.redaction`: contact details and ids found in free text, by kind.

>>> from coursekit.survey.codebook import load_codebook
>>> load_codebook().id_column
'respondent_id'
"""
