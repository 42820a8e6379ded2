# boyce_check.R - expected Boyce values for tests/unit/test-metrics.c
# (the moving-window code of ecospat.boyce 3.x, transcribed; Rscript boyce_check.R)
boycei <- function(interval, obs, fit) {
  pi <- sum(as.numeric(obs >= interval[1] & obs <= interval[2])) / length(obs)
  ei <- sum(as.numeric(fit >= interval[1] & fit <= interval[2])) / length(fit)
  return(round(pi/ei,10))
}
eb <- function(fit, obs, res=100) {
  mini <- min(fit,obs); maxi <- max(fit,obs)
  window.w <- (max(fit) - min(fit))/10
  vec.mov <- seq(from = mini, to = maxi - window.w, by = (maxi - mini - window.w)/res)
  vec.mov[res + 1] <- vec.mov[res + 1] + 1
  interval <- cbind(vec.mov, vec.mov + window.w)
  f <- apply(interval, 1, boycei, obs, fit)
  to.keep <- which(f != "NaN"); f <- f[to.keep]
  r <- c(1:length(f))[f != c( f[-1],TRUE)]

  cor(f[r], vec.mov[to.keep][r], method = "spearman")
}
cat(sprintf("%.17g\n", eb(seq(0,1,by=0.1), c(0.9,1,1))))
cat(sprintf("%.17g\n", eb(c(1,2,3,4), c(4,4,4))))
cat(sprintf("%.17g\n", eb(seq(0, 1, by = 0.05), c(0.3, 0.55, 0.7, 0.8, 0.85, 0.95))))
