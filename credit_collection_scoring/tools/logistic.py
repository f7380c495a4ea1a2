"""Logistic regression and its validation in plain Python (no numpy in the environment).

Small on purpose: a handful of features, tens of thousands of rows at most. Fitted by
Newton-Raphson (iteratively reweighted least squares) with a small ridge penalty, which converges
in a few iterations where plain gradient descent would need hundreds.
"""

import math


def standardize(rows):
    """Means and standard deviations of each column (std 1.0 for a constant column)."""
    count = len(rows)
    width = len(rows[0])
    means = [sum(row[j] for row in rows) / count for j in range(width)]
    stds = []
    for j in range(width):
        variance = sum((row[j] - means[j]) ** 2 for row in rows) / count
        stds.append(math.sqrt(variance) if variance > 1e-12 else 1.0)
    return means, stds


def _scaled(row, means, stds):
    return [1.0] + [(value - mean) / std for value, mean, std in zip(row, means, stds, strict=False)]


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _solve(matrix, vector):
    """Gaussian elimination with partial pivoting; the matrix is small and positive definite."""
    size = len(vector)
    a = [list(matrix[i]) + [vector[i]] for i in range(size)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        if abs(a[col][col]) < 1e-12:
            continue
        for r in range(col + 1, size):
            factor = a[r][col] / a[col][col]
            if factor:
                for c in range(col, size + 1):
                    a[r][c] -= factor * a[col][c]
    solution = [0.0] * size
    for r in range(size - 1, -1, -1):
        if abs(a[r][r]) < 1e-12:
            continue
        solution[r] = (a[r][size] - sum(a[r][c] * solution[c] for c in range(r + 1, size))) / a[r][r]
    return solution


def fit(rows, labels, ridge=1.0, iterations=25, tolerance=1e-8):
    """Fits P(label = 1) = sigmoid(w . [1, standardized row]).

    Returns a dict {"intercept", "weights", "means", "stds"} that :func:`predict` reads; weights
    are on the standardized features (comparable to each other), the intercept is not penalized.
    """
    means, stds = standardize(rows)
    data = [_scaled(row, means, stds) for row in rows]
    size = len(data[0])
    weights = [0.0] * size
    for _iteration in range(iterations):
        gradient = [0.0] * size
        hessian = [[0.0] * size for _ in range(size)]
        for x, y in zip(data, labels, strict=False):
            p = sigmoid(sum(w * v for w, v in zip(weights, x, strict=False)))
            error = y - p
            curvature = p * (1.0 - p)
            for i in range(size):
                gradient[i] += error * x[i]
                xi = curvature * x[i]
                row = hessian[i]
                for j in range(i, size):
                    row[j] += xi * x[j]
        for i in range(size):
            for j in range(i):
                hessian[i][j] = hessian[j][i]
        for i in range(1, size):
            gradient[i] -= ridge * weights[i]
            hessian[i][i] += ridge
        step = _solve(hessian, gradient)
        weights = [w + s for w, s in zip(weights, step, strict=False)]
        if max(abs(s) for s in step) < tolerance:
            break
    return {"intercept": weights[0], "weights": weights[1:], "means": means, "stds": stds}


def predict(model, row):
    z = model["intercept"] + sum(
        w * (value - mean) / std
        for w, value, mean, std in zip(model["weights"], row, model["means"], model["stds"], strict=False)
    )
    return sigmoid(z)


def auc(scores, labels):
    """Area under the ROC curve (Mann-Whitney U, ties counted half); None without both classes."""
    positives = sum(1 for y in labels if y)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return None
    ranked = sorted(zip(scores, labels, strict=False), key=lambda pair: pair[0])
    rank_sum, index = 0.0, 0
    while index < len(ranked):
        end = index
        while end + 1 < len(ranked) and ranked[end + 1][0] == ranked[index][0]:
            end += 1
        average_rank = (index + end) / 2.0 + 1.0
        rank_sum += average_rank * sum(1 for k in range(index, end + 1) if ranked[k][1])
        index = end + 1
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def brier(scores, labels):
    return sum((p - y) ** 2 for p, y in zip(scores, labels, strict=False)) / len(labels) if labels else None


def log_loss(scores, labels):
    eps = 1e-12
    if not labels:
        return None
    return -sum(
        y * math.log(max(p, eps)) + (1 - y) * math.log(max(1 - p, eps)) for p, y in zip(scores, labels, strict=False)
    ) / len(labels)
