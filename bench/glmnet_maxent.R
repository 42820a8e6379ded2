# glmnet_maxent.R - maxnet's glmnet fit on the design matrix mare fitted,
# timed, and compared with mare's model (bench/train.sh's lqph case; never
# part of make check; Debian r-base-core, r-cran-glmnet)
#
#   Rscript glmnet_maxent.R design.npy names.txt penalty.txt mare.txt \
#       times.txt [check [ref.txt]]
#
# design.npy: mare-tensor to-npy of mare-featurize --spec (the model's spec)
# --weights: label, weight, the features, longitude, latitude (f8, C order).
# names.txt: the tensor's column names, one a line. penalty.txt: the model's
# maxent.penalty, one a line (one per feature). mare.txt: glmnet_intercept,
# the betas, then entropy, alpha, lambda_first and lambda_last of the model,
# one a line.
# The glmnet call is maxnet 0.1.4's (with its glmnet.control(pmin = 1e-8,
# fdev = 0)), with mare's penalties as penalty.factor: only it is timed
# (system.time); its user, sys and elapsed seconds are appended to
# times.txt. With "check", the fit is compared with mare's and the
# comparison printed as Markdown lines, and mare's penalties, lambdas and
# quadratic, product and hinge features with maxnet's rules computed here;
# with ref.txt, glmnet's fit is also written there as reference values
# for a test (objective at the last lambda, entropy and alpha by
# log-sum-exp and by maxnet's formula, the selected features).
suppressMessages(library(glmnet))
a <- commandArgs(trailingOnly = TRUE)
if (length(a) < 5)
	stop("usage: glmnet_maxent.R design.npy names.txt penalty.txt mare.txt times.txt [check]")

read_npy <- function(path) {
	con <- file(path, "rb")
	on.exit(close(con))
	magic <- readBin(con, "raw", 6)
	if (!identical(magic, as.raw(c(0x93, charToRaw("NUMPY")))))
		stop(path, ": not a .npy file")
	ver <- readBin(con, "integer", 2, size = 1, signed = FALSE)
	hlen <- if (ver[1] == 1)
		readBin(con, "integer", 1, size = 2, signed = FALSE, endian = "little")
	else
		readBin(con, "integer", 1, size = 4, endian = "little")
	hdr <- rawToChar(readBin(con, "raw", hlen))
	if (!grepl("'descr': '<f8'", hdr, fixed = TRUE) ||
	    !grepl("'fortran_order': False", hdr, fixed = TRUE))
		stop(path, ": expected little-endian f8 in C order: ", hdr)
	shape <- as.numeric(strsplit(sub(".*'shape': \\(([0-9, ]+)\\).*", "\\1",
	    hdr), ",")[[1]])
	x <- readBin(con, "double", shape[1] * shape[2], size = 8,
	    endian = "little")
	if (length(x) != shape[1] * shape[2])
		stop(path, ": truncated")
	matrix(x, nrow = shape[1], ncol = shape[2], byrow = TRUE)
}

d <- read_npy(a[1])
nm <- readLines(a[2])
if (length(nm) != ncol(d))
	stop(a[2], ": ", length(nm), " names for ", ncol(d), " columns")
colnames(d) <- nm
p <- d[, "label"]
weights <- d[, "weight"]
mm <- d[, setdiff(nm, c("label", "weight", "longitude", "latitude")),
    drop = FALSE]
rm(d)
reg <- scan(a[3], quiet = TRUE)
if (length(reg) != ncol(mm))
	stop(a[3], ": ", length(reg), " penalties for ", ncol(mm), " features")
# maxnet's weights, which mare-featurize --weights wrote
stopifnot(all(weights == p + (1 - p) * 100))

lambda <- 10^(seq(4, 0, length.out = 200)) * sum(reg) / length(reg) *
    sum(p) / sum(weights)
glmnet.control(pmin = 1.0e-8, fdev = 0)
tm <- system.time(model <- glmnet(x = mm, y = as.factor(p),
    family = "binomial", standardize = FALSE, penalty.factor = reg,
    lambda = lambda, weights = weights))
glmnet.control(factory = TRUE)
cat(sprintf("%.3f %.3f %.3f\n", tm[["user.self"]], tm[["sys.self"]],
    tm[["elapsed"]]), file = a[5], append = TRUE)
if (length(a) < 6 || a[6] != "check")
	quit(save = "no")

# the comparison
fmt <- function(x) formatC(x, digits = 3, format = "g")
if (length(model$lambda) < 200)
	cat("- glmnet stopped after", length(model$lambda),
	    "of 200 lambdas (maxnet: \"failed to complete regularization path\")\n")
k <- length(model$lambda)
gb <- as.numeric(model$beta[, k])
ga0 <- as.numeric(model$a0[k])
mare <- scan(a[4], quiet = TRUE)
if (length(mare) != ncol(mm) + 5)
	stop(a[4], ": expected ", ncol(mm) + 5, " numbers")
ma0 <- mare[1]
mb <- mare[2:(ncol(mm) + 1)]
mH <- mare[ncol(mm) + 2]
malpha <- mare[ncol(mm) + 3]
mlam <- mare[ncol(mm) + 4:5]

# maxnet's penalties (issue 6's rules), from the feature names: the class's
# beta interpolated at the presence count (l, q and p share the table of the
# highest of those classes present), over sqrt(n), times the sd over
# presences; floors: 0.001 of the feature's range, for hinges
# max(sd, 1/sqrt(n)) / 2 / sqrt(n), 1 for a threshold constant on presences
penalties <- function() {
	fn <- colnames(mm)
	hinge <- grepl("^hinge\\(", fn)
	thr <- grepl("^thresholds\\(", fn)
	categ <- grepl("^categorical\\(", fn)
	quad <- grepl("^I\\(.*\\^2\\)", fn)
	prod <- grepl(":", fn) & !grepl("(", fn, fixed = TRUE)
	pres <- mm[p == 1, , drop = FALSE]
	n <- nrow(pres)
	at <- function(x, y) approx(x, y, n, rule = 2)$y
	lqp <- if (any(prod))
		at(c(0, 10, 17, 30, 100), c(2.6, 1.6, 0.9, 0.55, 0.05))
	else if (any(quad))
		at(c(0, 10, 17, 30, 100), c(1.3, 0.8, 0.5, 0.25, 0.05))
	else
		at(c(0, 10, 30, 100), c(1, 1, 0.2, 0.05))
	beta <- ifelse(hinge, 0.5, ifelse(categ, at(c(0, 10, 17),
	    c(0.65, 0.5, 0.25)), ifelse(thr, at(c(0, 100), c(2, 1)), lqp)))
	sdp <- apply(pres, 2, sd)
	range <- apply(mm, 2, max) - apply(mm, 2, min)
	hfloor <- ifelse(hinge, pmax(sdp, 1 / sqrt(n)) * 0.5 / sqrt(n), 0)
	tfloor <- ifelse(thr & (colSums(pres) == 0 | colSums(pres) == n), 1, 0)
	pmax(0.001 * range, hfloor, tfloor, sdp * beta / sqrt(n))
}
rreg <- penalties()

# the design matrix again from its linear columns by maxnet's definitions
# of the other classes (x^2, x y, hinge(x):a:b = min(1, max(0, (x - a) /
# (b - a)))), knots read from the names (15 digits); a name that
# make.unique() suffixed is read without its suffix
rebuilt <- function() {
	fn <- colnames(mm)
	base <- sub("\\.[0-9]+$", "", fn)
	fn <- ifelse(base != fn & base %in% fn, base, fn)
	col <- function(v) {
		j <- match(v, fn)
		if (is.na(j))
			stop("no linear column ", v)
		mm[, j]
	}
	x <- matrix(NA_real_, nrow(mm), ncol(mm))
	for (j in seq_along(fn)) {
		f <- fn[j]
		if (grepl("^hinge\\(", f)) {
			part <- strsplit(f, ":", fixed = TRUE)[[1]]
			v <- sub("^hinge\\((.*)\\)$", "\\1", part[1])
			k <- as.numeric(part[2:3])
			x[, j] <- pmin(1, pmax(0, (col(v) - k[1]) / (k[2] - k[1])))
		} else if (grepl("^I\\(.*\\^2\\)$", f)) {
			x[, j] <- col(sub("^I\\((.*)\\^2\\)$", "\\1", f))^2
		} else if (grepl(":", f) && !grepl("(", f, fixed = TRUE)) {
			v <- strsplit(f, ":", fixed = TRUE)[[1]]
			x[, j] <- col(v[1]) * col(v[2])
		} else if (!grepl("(", f, fixed = TRUE)) {
			x[, j] <- mm[, j]
		}
	}
	x
}
rx <- rebuilt()
rdiff <- max(abs(rx - mm) / pmax(1, abs(mm)), na.rm = TRUE)

# glmnet's objective at the last lambda (it rescales penalty.factor to sum
# to the number of features), for both fits
obj <- function(a0, b) {
	eta <- as.numeric(a0 + mm %*% b)
	ll <- p * eta - ifelse(eta > 0, eta + log1p(exp(-eta)), log1p(exp(eta)))
	-sum(weights * ll) / sum(weights) +
	    lambda[k] * sum(reg * length(reg) / sum(reg) * abs(b))
}
# maxnet's entropy, normaliser and cloglog output from a fit's betas, as
# maxnet computes them (exp of the links)
bg <- p == 0
maxnet_out <- function(b) {
	link <- as.numeric(mm %*% b)
	rr <- exp(link[bg])
	raw <- rr / sum(rr)
	H <- -sum(raw * log(raw))
	alpha <- -log(sum(rr))
	list(H = H, alpha = alpha, cloglog = 1 - exp(-exp(H + link + alpha)))
}
go <- maxnet_out(gb)
mo <- maxnet_out(mb)
# the same outputs by log-sum-exp, which cannot overflow: where maxnet's
# exp(link) does (presences beyond the background, no presences added),
# these are the fit's true entropy and cloglog
stable_out <- function(b) {
	link <- as.numeric(mm %*% b)
	m <- max(link[bg])
	lse <- m + log(sum(exp(link[bg] - m)))
	l <- link[bg] - lse
	H <- -sum(exp(l) * l)
	list(H = H, alpha = -lse, cloglog = 1 - exp(-exp(H + link - lse)))
}
gs <- stable_out(gb)
mclog <- 1 - exp(-exp(mH + as.numeric(mm %*% mb) + malpha))
gsel <- colnames(mm)[gb != 0]
msel <- colnames(mm)[mb != 0]
og <- obj(ga0, gb)
om <- obj(ma0, mb)
overflow <- !is.finite(go$H)
dcl <- max(abs(mclog - if (overflow) gs$cloglog else go$cloglog))
cat(sprintf("- design matrix: mare-featurize's against maxnet's feature definitions applied in R to its linear columns: max relative difference %s over %d of %d features%s\n",
    fmt(rdiff), sum(!is.na(rx[1, ])), ncol(mm),
    if (anyNA(rx[1, ])) " (thresholds and categoricals not rebuilt)" else ""))
cat(sprintf("- penalties: mare's maxent.penalty against maxnet's rules computed in R: max relative difference %s; lambdas %s to %s, relative differences %s, %s\n",
    fmt(max(abs(reg - rreg) / rreg)), fmt(lambda[1]), fmt(lambda[200]),
    fmt((mlam[1] - lambda[1]) / lambda[1]),
    fmt((mlam[2] - lambda[200]) / lambda[200])))
cat(sprintf("- features: %d candidates, %d rows (%d presences, %d background); glmnet selects %d, mare %d, %d in common\n",
    ncol(mm), nrow(mm), sum(p), sum(bg), length(gsel), length(msel),
    length(intersect(gsel, msel))))
only <- c(if (length(setdiff(gsel, msel)))
	paste("glmnet only:", paste(setdiff(gsel, msel), collapse = " ")),
    if (length(setdiff(msel, gsel)))
	paste("mare only:", paste(setdiff(msel, gsel), collapse = " ")))
if (length(only))
	cat("-", paste(only, collapse = "; "), "\n")
cat(sprintf("- objective at the last lambda (%s): glmnet %.10g, mare %.10g (relative difference %s)\n",
    fmt(lambda[k]), og, om, fmt((om - og) / abs(og))))
cat(sprintf("- max |beta difference| %s (largest |beta| %s); glmnet intercept %.6g, mare %.6g\n",
    fmt(max(abs(gb - mb))), fmt(max(abs(gb))), ga0, ma0))
cat(sprintf("- entropy: glmnet's fit %.6f, mare %.6f (maxnet's formula on mare's betas %.6f)\n",
    go$H, mH, mo$H))
if (overflow)
	cat(sprintf("- maxnet's transforms overflow on glmnet's fit (exp of links up to %.6g): its entropy, alpha and every prediction are NaN; by log-sum-exp, glmnet's fit has entropy %.9f, alpha %.9g\n",
	    max(as.numeric(mm %*% gb)[bg]), gs$H, gs$alpha))
cat(sprintf("- cloglog over all %d rows: max |difference| %s (mare's model against glmnet's fit through %s)\n",
    nrow(mm), fmt(dcl), if (overflow) "log-sum-exp transforms" else
    "maxnet's transforms"))
cat(sprintf("- verdict: %s\n", if (is.finite(dcl) && dcl < 1e-3 &&
    abs(om - og) / abs(og) < 1e-4 &&
    max(abs(reg - rreg) / rreg) < 1e-9 && rdiff < 1e-9)
    "mare and glmnet agree (cloglog within 1e-3, objective within 1e-4 relative; penalties and features to 1e-9)"
    else "MARE AND GLMNET DISAGREE: see the figures above"))
cat(sprintf("- R %s, glmnet %s\n", getRversion(), packageVersion("glmnet")))
if (length(a) >= 7)
	writeLines(c(sprintf("objective %.17g", og),
	    sprintf("entropy %.17g", gs$H), sprintf("alpha %.17g", gs$alpha),
	    sprintf("maxnet_entropy %.17g", go$H),
	    paste("selected", paste(gsel, collapse = " "))), a[7])
