//! Type-number search: normalisation, index, ranking. Pure and benchmarked.
