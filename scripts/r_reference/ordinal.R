# Reference values for coursekit.analysis.polychoric, from R's psych.
#
#   Rscript scripts/r_reference/ordinal.R        (make reference; needs r-cran-psych,
#                                                  r-cran-jsonlite)
#
# Reads the keyed items that export_cohorts.py wrote to tests/reference/cfa/ and writes
# tests/reference/ordinal/psych.json: psych::polychoric of each scale's items (one set of
# answer options: psych's global thresholds) and of the comparison and authenticity items
# together (5- and 7-point items mixed: psych sets global = FALSE), and ordinal alpha,
# psych::alpha(polychoric(x)$rho), of each scale. (psych 2.2.9 stops in cor.smooth on all
# 42 items mixed, so the mixed case is these twelve.)
suppressPackageStartupMessages({ library(psych); library(jsonlite) })
dir <- file.path("tests", "reference", "cfa")
model_items <- fromJSON(file.path(dir, "model.json"))
out <- list(versions = list(R = R.version.string,
                            psych = as.character(packageVersion("psych"))))
for (name in c("bundled", "seed11", "class60")) {
  d <- read.csv(file.path(dir, paste0(name, ".csv")))
  scales <- list()
  for (s in names(model_items)) {
    x <- d[, model_items[[s]]]
    rho <- suppressWarnings(polychoric(x)$rho)
    a <- suppressWarnings(alpha(rho))
    scales[[s]] <- list(rho = unname(rho), items = colnames(x),
                        ordinal_alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha)
  }
  mixed <- c(model_items$comparison, model_items$authenticity)
  rho <- suppressWarnings(polychoric(d[, mixed])$rho)
  out[[name]] <- list(scales = scales, mixed = list(items = mixed, rho = unname(rho)))
}
dir.create(file.path("tests", "reference", "ordinal"), showWarnings = FALSE)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE),
           file.path("tests", "reference", "ordinal", "psych.json"))
cat("wrote tests/reference/ordinal/psych.json\n")
