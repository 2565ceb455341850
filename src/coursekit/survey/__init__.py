"""What is measured and how answers arrive.

The codebook (items, scales, response options), reading and validating survey files,
cleaning, the synthetic cohort simulator, the questionnaire writer, importers for form
exports, and de-identification. Imports :mod:`coursekit.common` only.
"""
