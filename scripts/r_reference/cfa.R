# Reference values for coursekit.analysis.cfa and coursekit.analysis.adequacy, from R.
#
#   Rscript scripts/r_reference/cfa.R            (make reference; needs r-cran-lavaan,
#                                                  r-cran-psych, r-cran-jsonlite)
#
# Reads the cohorts scripts/r_reference/export_cohorts.py wrote to tests/reference/cfa/
# and writes tests/reference/cfa/lavaan.json, which the tests read (CI needs no R).
# Models: every motive and pitfall scale its own factor (all seven; the class of 55 gets
# the first three, as it has too few complete answers for 42 items), fitted with
# lavaan::cfa(std.lv = TRUE, estimator = "ML"), listwise deletion (lavaan's default).
# Sampling adequacy: psych::KMO and psych::cortest.bartlett on cor(use = "pairwise").
suppressPackageStartupMessages({
  library(lavaan); library(psych); library(jsonlite)
})
dir <- file.path("tests", "reference", "cfa")
model_items <- fromJSON(file.path(dir, "model.json"))
subsets <- list(bundled = names(model_items), seed11 = names(model_items),
                class60 = names(model_items)[1:3])

syntax <- function(scales) {
  paste(sapply(scales, function(s) paste(s, "=~", paste(model_items[[s]], collapse = " + "))),
        collapse = "\n")
}

measures <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower",
              "rmsea.ci.upper", "srmr", "ntotal", "baseline.chisq", "baseline.df")
out <- list(versions = list(R = R.version.string,
                            lavaan = as.character(packageVersion("lavaan")),
                            psych = as.character(packageVersion("psych"))))
for (name in names(subsets)) {
  d <- read.csv(file.path(dir, paste0(name, ".csv")))
  scales <- subsets[[name]]
  items <- unlist(model_items[scales])
  fit <- cfa(syntax(scales), data = d[, items], std.lv = TRUE, estimator = "ML")
  fm <- fitMeasures(fit, measures)
  std <- standardizedSolution(fit)
  load <- std[std$op == "=~", ]
  phi <- std[std$op == "~~" & std$lhs != std$rhs & std$lhs %in% scales, ]
  r <- cor(d[, unlist(model_items)], use = "pairwise")
  kmo <- KMO(r)
  bart <- cortest.bartlett(r, n = nrow(d))
  groups <- NULL
  if (name == "bundled") {
    g <- d[d$gender %in% c("woman", "man"), c("gender", items)]
    inv <- list()
    for (level in c("configural", "metric", "scalar")) {
      eq <- switch(level, configural = "", metric = "loadings",
                   scalar = c("loadings", "intercepts"))
      f <- cfa(syntax(scales), data = g, group = "gender", std.lv = TRUE, estimator = "ML",
               group.equal = if (level == "configural") "" else eq)
      inv[[level]] <- as.list(fitMeasures(f, c("chisq", "df", "pvalue", "cfi", "tli",
                                                "rmsea", "srmr")))
    }
    groups <- inv
  }
  out[[name]] <- list(
    scales = scales, fit = as.list(fm),
    loadings = data.frame(factor = load$lhs, item = load$rhs, std = load$est.std),
    factor_correlations = data.frame(a = phi$lhs, b = phi$rhs, r = phi$est.std),
    kmo = list(overall = kmo$MSA, items = as.list(kmo$MSAi)),
    bartlett = list(chisq = bart$chisq, df = bart$df, p = bart$p.value),
    invariance = groups)
}
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE),
           file.path(dir, "lavaan.json"))
cat("wrote", file.path(dir, "lavaan.json"), "\n")
