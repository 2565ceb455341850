# Reference values for coursekit.analysis.efa_fit, from R's psych.
#
#   Rscript scripts/r_reference/efa.R            (make reference; needs r-cran-psych,
#                                                  r-cran-gparotation, r-cran-jsonlite)
#
# Reads the keyed items export_cohorts.py wrote to tests/reference/cfa/ and writes
# tests/reference/efa/psych.json: psych::fa(x, nfactors, fm = "ml") with varimax and
# oblimin, and the fit statistics fa prints. Seven factors of the 42 motive and pitfall
# items (the bundled cohort and seed 11); three factors of three scales (the class of 55).
suppressPackageStartupMessages({ library(psych); library(GPArotation); library(jsonlite) })
dir <- file.path("tests", "reference", "cfa")
model_items <- fromJSON(file.path(dir, "model.json"))
plans <- list(bundled = list(scales = names(model_items), k = 7),
              seed11 = list(scales = names(model_items), k = 7),
              class60 = list(scales = names(model_items)[1:3], k = 3))
out <- list(versions = list(R = R.version.string,
                            psych = as.character(packageVersion("psych")),
                            GPArotation = as.character(packageVersion("GPArotation"))))
for (name in names(plans)) {
  d <- read.csv(file.path(dir, paste0(name, ".csv")))
  items <- unlist(model_items[plans[[name]]$scales])
  fits <- list()
  for (rotation in c("varimax", "oblimin")) {
    f <- suppressWarnings(fa(d[, items], nfactors = plans[[name]]$k, fm = "ml",
                             rotate = rotation))
    fits[[rotation]] <- list(
      objective = f$objective, chisq = f$STATISTIC, df = f$dof, p = f$PVAL,
      null_chisq = f$null.chisq, null_df = f$null.dof, tli = f$TLI,
      rmsea = unname(f$RMSEA[1]), rmsea_low = unname(f$RMSEA[2]),
      rmsea_high = unname(f$RMSEA[3]), bic = f$BIC, rms = f$rms, crms = f$crms,
      n = f$n.obs, loadings = unname(unclass(f$loadings)),
      phi = if (is.null(f$Phi)) NULL else unname(f$Phi))
  }
  out[[name]] <- list(items = items, k = plans[[name]]$k, fits = fits)
}
dir.create(file.path("tests", "reference", "efa"), showWarnings = FALSE)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE),
           file.path("tests", "reference", "efa", "psych.json"))
cat("wrote tests/reference/efa/psych.json\n")
