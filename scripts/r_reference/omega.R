# Reference values for coursekit.analysis.reliability.omega and ordinal omega, from psych.
#
#   Rscript scripts/r_reference/omega.R          (make reference; needs r-cran-psych,
#                                                  r-cran-gparotation, r-cran-jsonlite)
#
# Reads the keyed items export_cohorts.py wrote to tests/reference/cfa/ and writes
# tests/reference/omega/psych.json: for each scale, psych::omega(x, nfactors = 1)
# (omega total, minres, cor(use = "pairwise")) and its one-factor loadings, and the same
# on psych::polychoric(x)$rho (ordinal omega).
suppressPackageStartupMessages({ library(psych); library(GPArotation); library(jsonlite) })
dir <- file.path("tests", "reference", "cfa")
model_items <- fromJSON(file.path(dir, "model.json"))
out <- list(versions = list(R = R.version.string,
                            psych = as.character(packageVersion("psych"))))
one <- function(m) {
  w <- suppressWarnings(suppressMessages(omega(m, nfactors = 1, plot = FALSE)))
  list(omega_total = w$omega.tot, loadings = unname(w$schmid$sl[, 1]))
}
for (name in c("bundled", "seed11", "class60")) {
  d <- read.csv(file.path(dir, paste0(name, ".csv")))
  scales <- list()
  for (s in names(model_items)) {
    x <- d[, model_items[[s]]]
    rho <- suppressWarnings(polychoric(x)$rho)
    scales[[s]] <- list(items = colnames(x), pearson = one(x), ordinal = one(rho))
  }
  out[[name]] <- scales
}
dir.create(file.path("tests", "reference", "omega"), showWarnings = FALSE)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE),
           file.path("tests", "reference", "omega", "psych.json"))
cat("wrote tests/reference/omega/psych.json\n")
