# make_ref.R - glmnet reference fits appended to refs.csv (run after
# make_ref.py, from this folder: Rscript make_ref.R)
#
# glmnet(standardize = TRUE) minimises mare's F on the standardised scale
# (weights normalised to sum 1, population sd); coefficients are returned
# on the original scale. Lambdas are given as a decreasing sequence ending
# at the target so glmnet uses warm starts; thresh is tight so the
# reference is converged well past the test tolerances.
suppressMessages(library(glmnet))
d <- read.csv("swd.csv")
X <- as.matrix(d[, 4:8])
y <- d$p
n <- nrow(X)
logl <- function(eta, y) ifelse(eta > 0, eta + log1p(exp(-eta)), log1p(exp(eta))) - y * eta
pois <- function(eta, y) exp(eta) - y * eta
obj <- function(b0, b, lam, alpha, w, fam) {
  W <- sum(w)
  eta <- b0 + X %*% b
  L <- if (fam == "logistic") sum(w * logl(eta, y)) / W else sum(w * pois(eta, y)) / W
  m <- colSums(w * X) / W
  s <- sqrt(colSums(w * sweep(X, 2, m)^2) / W)
  bt <- b * s
  L + lam * (alpha * sum(abs(bt)) + (1 - alpha) / 2 * sum(bt^2))
}
out <- c()
add <- function(case, fam, lam, alpha, wname) {
  w <- if (wname == "none") rep(1, n) else ifelse(y == 1, 1, 100)
  gf <- if (fam == "logistic") "binomial" else "poisson"
  lams <- exp(seq(log(lam * 50), log(lam), length.out = 30))
  f <- glmnet(X, y, family = gf, alpha = alpha, lambda = lams, weights = w,
              standardize = TRUE, thresh = 1e-14, maxit = 1e7)
  stopifnot(length(f$lambda) == 30)
  cf <- as.numeric(coef(f)[, 30])
  o <- obj(cf[1], cf[-1], lam, alpha, w, fam)
  out <<- c(out, paste(case, sprintf("glmnet %s alpha=%g lambda=%.17g", gf, alpha, lam),
                       fam, 1, 1, sprintf("%.17g", lam), sprintf("%.17g", alpha), wname,
                       paste(sprintf("%.17g", c(cf, 0, o)), collapse = ","), sep = ","))
}
add("l1_glmnet", "logistic", 0.002, 1, "none")
add("en_glmnet", "logistic", 0.004, 0.5, "none")
add("en_glmnet_w", "logistic", 0.00003, 0.3, "bg100")
add("l2_glmnet", "logistic", 0.01, 0, "none")
add("l1_glmnet_pois", "poisson", 0.001, 1, "none")
write(out, file = "refs.csv", append = TRUE)
cat(sprintf("R %s glmnet %s\n", getRversion(), packageVersion("glmnet")), file = "VERSIONS", append = TRUE)
