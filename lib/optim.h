/*
 * optim.h - penalised logistic and Poisson regression on dense data
 *
 * The numerical core of mare-train. Data are a dense row-major n x p matrix
 * of doubles X, a response y, optional sample weights w and an optional
 * offset. The library never copies X: standardisation is applied implicitly
 * inside the matrix-vector products (X~ = (X - 1 m') S^-1), so the working
 * memory is O(n p_w) beyond X itself (p_w: the working set of L1 fits).
 *
 * Objective (glmnet's scaling). With W = sum_i w_i (w_i = 1 when w is
 * NULL), eta_i = b0 + x~_i . beta~ + offset_i, the solver minimises
 *
 *   F(b0, beta~) = (1/W) sum_i w_i l(y_i, eta_i)
 *                + lambda sum_j pf_j (alpha |beta~_j|
 *                                     + (1 - alpha)/2 beta~_j^2)
 *
 * where l is the negative log-likelihood of one observation:
 *   logistic: l = log(1 + exp(eta)) - y eta            (y in {0, 1})
 *   poisson:  l = exp(eta) - y eta                      (y >= 0; the
 *             constant log(y!) is left out)
 * The intercept b0 is never penalised. With standardize on, x~ is x centred
 * by the weighted mean and scaled by the weighted population standard
 * deviation sqrt(sum_i w_i (x_ij - m_j)^2 / W), and the penalty applies to
 * the standardised coefficients, exactly as glmnet(standardize = TRUE). The
 * result always holds coefficients on the ORIGINAL scale:
 * beta_j = beta~_j / s_j, intercept = b0 - sum_j m_j beta_j. Unlike
 * glmnet, mare does not rescale pf to sum to p.
 *
 * liblinear form. liblinear -s 0 minimises C sum_i l_i + 1/2 ||beta||^2
 * (and -s 6: C sum_i l_i + ||beta||_1) without standardisation. With unit
 * weights that is n C times F above with lambda = 1/(C n), alpha = 0 (or 1),
 * standardize = 0. liblinear's -B b appends a constant feature b and
 * penalises its weight: reproduce it with intercept = 0 and a column of b
 * in X.
 *
 * Solvers. alpha == 0: trust-region Newton (TRON, as liblinear: conjugate
 * gradient inner iterations on Hessian-vector products). Each function
 * and gradient evaluation, and each Hessian-vector product, is ONE pass
 * over X: per block of rows (small enough to stay in cache) a gemv
 * forward and a gemv back. alpha > 0: glmnet's coordinate descent on the
 * penalised quadratic approximation (IRLS outer loop, passes over the
 * working set then over the features ever non-zero only), in covariance
 * form: per IRLS step the gradients of the working set come from one
 * gemv, and each coordinate move updates them from a column of the
 * weighted Gram matrix of the working set (the columns of the non-zero
 * coefficients from one blocked gemm, the others when they first move),
 * so a CD pass costs O(working set) instead of O(n working set). Warm
 * starts along a decreasing lambda path (mare_optim_fit() solves a
 * single lambda directly when the working set stays small, see
 * path_steps), sequential strong rules, and a KKT check of the
 * screened-out features (one BLAS gemv over X, or prefix sums with the
 * structure hint of struct mare_optim_data; skipped when a bound proves
 * them) before a solution is accepted. A backtracking safeguard halves
 * IRLS steps that increase the objective (beyond 1e-12 relative; 1e-6
 * with the GLMNET rule, whose steps it then leaves as glmnet takes them).
 * Working memory: the standardised columns of the working set are copied
 * column-major (n times the working-set size), plus its Gram matrix
 * (working-set size squared), plus what the structure hint needs.
 *
 * Convergence is explicit: by default a fit stops when the KKT violation
 * (the largest absolute entry of the subgradient of F that can be made
 * zero; for alpha == 0 simply the gradient's infinity norm) is at most
 * tol, or after max_iter outer iterations (see also enum mare_optim_stop).
 * The result says which, with the final objective, the KKT value and the
 * iteration count; not converging is not an error (callers must warn).
 *
 * Ownership: results own their arrays; release them with
 * mare_optim_fit_release(). Inputs are only read.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MARE_OPTIM_H
#define MARE_OPTIM_H

#include <stddef.h>

#include "err.h"

enum mare_optim_family {
	MARE_OPTIM_LOGISTIC,
	MARE_OPTIM_POISSON
};

/* The data of one problem. Nothing here is copied or freed. */
struct mare_optim_data {
	const double	*x;	/* n x p, row-major, all finite */
	size_t		 n, p;
	const double	*y;	/* n responses */
	const double	*w;	/* n sample weights >= 0, or NULL for all 1 */
	const double	*offset; /* n offsets added to eta, or NULL */
	/*
	 * Optional structure (NULL: none), for alpha > 0: pl_key[j] = k < p
	 * says that column j is, to rounding, f(x_k) with f(t) =
	 * clamp01((t - pl_a[j]) / (pl_b[j] - pl_a[j])), or the step t >=
	 * pl_a[j] ? 1 : 0 when pl_a[j] == pl_b[j], of a key column k (with
	 * pl_key[k] == k); any other value: no structure. When it covers
	 * most columns (maxent's hinges and thresholds), the full gradients
	 * of the KKT checks come from prefix sums over the rows sorted by
	 * each key: O(n) per key instead of per column. The claim is checked
	 * against X and the error bounded: a feature whose KKT decision the
	 * bound leaves open gets its exact gradient, so a wrong hint costs
	 * time, never a different decision. Memory: n times (2 per key, 1
	 * per column not covered, plus 2) values more.
	 */
	const size_t	*pl_key;
	const double	*pl_a, *pl_b;
};

/*
 * When a fit with alpha > 0 stops. KKT (the default): the KKT violation
 * is at most tol. GLMNET: glmnet's own rule (lognet, thresh = tol): a CD
 * pass is done when every coordinate moved by d has xv_j d^2 < tol times
 * the null deviance (xv_j = sum_i q_i x~_ij^2 at the IRLS point, the
 * intercept likewise with sum q), an IRLS step is the last when it moved
 * every coefficient that little, and the solution is accepted when no
 * screened-out feature violates its KKT condition. It stops earlier
 * along flat directions than KKT would; maxent uses it to reproduce
 * maxnet (which runs glmnet with thresh 1e-7).
 */
enum mare_optim_stop {
	MARE_OPTIM_STOP_KKT = 0,
	MARE_OPTIM_STOP_GLMNET
};

struct mare_optim_opts {
	enum mare_optim_family family;
	double		 lambda;	/* >= 0 */
	double		 alpha;		/* in [0, 1]; 0 = ridge, 1 = lasso */
	const double	*penalty_factor; /* p values >= 0, or NULL for all 1 */
	int		 intercept;	/* fit an unpenalised intercept */
	int		 standardize;	/* standardise internally (glmnet) */
	double		 tol;		/* KKT tolerance, > 0 */
	int		 max_iter;	/* outer iterations (> 0) */
	/*
	 * mare_optim_fit() with alpha > 0 only: path_steps lambdas from
	 * lambda_max down to lambda (log scale) are solved in turn with warm
	 * starts; 1 solves lambda from zero directly. It is solved directly
	 * anyway when at most 64 features violate their KKT condition at the
	 * null model (|gradient_j| > lambda alpha pf_j): the working set
	 * then starts that small, and IRLS with its line search (a proximal
	 * Newton method, as newGLMNET) needs far fewer passes over X than a
	 * path.
	 */
	int		 path_steps;
	int		 strong_rules;	/* screen with sequential strong rules */
	enum mare_optim_stop stop;	/* alpha > 0: stopping rule */
	/*
	 * mare_optim_path() only: fill fits[nlambda - 1] alone (as maxnet
	 * keeps the last of its path); the others are left empty (no beta),
	 * which spares the exact KKT check that closes each of them.
	 */
	int		 last_only;
	/*
	 * alpha == 0: the row blocks of each pass over X on this many
	 * threads (0 or 1: the calling thread). Per-block partial sums are
	 * added in block order, so the fit is the same for any count. The
	 * caller keeps OpenBLAS at one thread while this is above 1.
	 * alpha > 0: above 1, the fit holds OpenBLAS at one thread while it
	 * runs (its sums would depend on OpenBLAS's thread count), so it is
	 * the same as with 1 and OpenBLAS at one thread. The quadratic model
	 * of each IRLS step (Gram columns, by fixed chunks of rows), the
	 * loss (by fixed blocks of rows), the structured gradients (a key
	 * at a time), the structure check and, when the working columns are
	 * streamed (see cd_copy_bytes), every pass over X run on these
	 * threads, partial sums again added in a fixed order.
	 */
	unsigned	 threads;
	/*
	 * alpha > 0: coordinate descent keeps column-major copies of its
	 * working columns while they take at most half of X or at most this
	 * many bytes (mare_optim_opts_init(): 16 MB); beyond, or always when
	 * this is 0, it reads them from X by blocks of rows, standardising on
	 * the fly, so its memory is X plus a few n-vectors. The fit is the
	 * same up to rounding either way.
	 */
	size_t		 cd_copy_bytes;
};

struct mare_optim_fit {
	size_t		 p;
	double		 intercept;	/* original scale (0 without intercept) */
	double		*beta;		/* p coefficients, original scale */
	unsigned char	*zero_var;	/* p flags: 1 = constant column, beta 0 */
	size_t		 n_zero_var;
	size_t		 n_nonzero;	/* non-zero coefficients */
	double		 lambda;	/* the lambda of this fit */
	double		 objective;	/* F at the solution */
	double		 loss;		/* (1/W) sum w l, the first term of F */
	double		 kkt;		/* final KKT violation (see above) */
	int		 iterations;	/* outer iterations used */
	int		 path_steps;	/* lambdas solved in turn to reach it */
	int		 converged;	/* kkt <= tol */
};

/* Lifecycle */

/*
 * Defaults: logistic, lambda 0, alpha 0, no penalty factors, intercept
 * and standardize on, tol 1e-7, max_iter 1000, path_steps 20, strong
 * rules on, one thread.
 */
void	mare_optim_opts_init(struct mare_optim_opts *o);
/* Free the arrays of fit; fit itself is the caller's. NULL is a no-op. */
void	mare_optim_fit_release(struct mare_optim_fit *fit);

/* Fitting */

/*
 * Fit one model at o->lambda. On success returns 0 and fills fit (whose
 * previous contents are ignored). Returns -1 with err set and fit empty
 * on: a NaN or Inf in X ("non-finite value (nan) in row 12, column 3";
 * rows and columns count from 1), a bad y (logistic: not 0 or 1, or all
 * labels equal; poisson: negative or non-finite), negative or non-finite
 * weights, weights summing to 0, bad options (MARE_E_USAGE), or out of
 * memory. Columns that are constant (zero weighted variance) while an
 * intercept is fitted are flagged in fit->zero_var and get coefficient 0.
 * p > n is allowed.
 */
int	mare_optim_fit(const struct mare_optim_data *d,
	    const struct mare_optim_opts *o, struct mare_optim_fit *fit,
	    struct mare_err *err);

/*
 * lambda_max: the smallest lambda at which every coefficient is 0
 * (max_j |gradient_j at beta = 0| / (max(alpha, 1e-3) pf_j), as glmnet).
 * Returns 0 and sets *lmax, or -1 with err set (same input checks).
 */
int	mare_optim_lambda_max(const struct mare_optim_data *d,
	    const struct mare_optim_opts *o, double *lmax,
	    struct mare_err *err);

/*
 * Solve a whole path with warm starts: lambdas[0..nlambda-1] must be
 * decreasing (or, when lambdas is NULL, nlambda values from lambda_max
 * down to ratio * lambda_max on a log scale are used). fits must hold
 * nlambda elements; every one is filled on success (0), or with
 * o->last_only the last one only. On failure -1, err set, and no fit
 * needs releasing.
 */
int	mare_optim_path(const struct mare_optim_data *d,
	    const struct mare_optim_opts *o, const double *lambdas,
	    size_t nlambda, double ratio, struct mare_optim_fit *fits,
	    struct mare_err *err);

#endif /* MARE_OPTIM_H */
