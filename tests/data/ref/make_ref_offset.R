# make_ref_offset.R - glmnet's Poisson fit with an offset, the reference of
# mare-train --offset (from this folder: Rscript make_ref_offset.R)
#
# The lionfish table of swd.csv again: y = p, X = SST, salinity, PAR and
# pH, and as the offset the log of the cell's current speed, a real
# positive column standing in for a log exposure. Lasso (alpha = 1) at
# lambda = 0.001 in glmnet's scaling, standardised, reached along a
# decreasing path of 30 lambdas, thresh 1e-14. Writes offset_ref.csv: the
# intercept and the four coefficients on the original scale, and glmnet's
# deviance ratio.
suppressMessages(library(glmnet))
d <- read.csv("swd.csv")
X <- as.matrix(d[, 4:7])
y <- d$p
off <- log(d$currentspeed_present_crop)
lam <- 0.001
lams <- exp(seq(log(lam * 50), log(lam), length.out = 30))
f <- glmnet(X, y, family = "poisson", offset = off, alpha = 1,
            lambda = lams, standardize = TRUE, thresh = 1e-14, maxit = 1e7)
cf <- as.numeric(coef(f)[, 30])
write(c("b0,b1,b2,b3,b4,dev_ratio",
        paste(sprintf("%.17g", c(cf, f$dev.ratio[30])), collapse = ",")),
      file = "offset_ref.csv")
