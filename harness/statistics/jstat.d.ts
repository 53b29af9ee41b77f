// jstat ships no types; meshgate uses only Student's t and the normal distribution from it.
declare module 'jstat' {
  const jstat: {
    studentt: {
      /** Quantile: the value below which a share `p` of a t distribution with `dof` degrees of freedom lies. */
      inv(p: number, dof: number): number;
    };
    normal: {
      /** Distribution function of N(mean, sd^2) at x. */
      cdf(x: number, mean: number, sd: number): number;
      /** Quantile of N(mean, sd^2): the value below which a share `p` lies. */
      inv(p: number, mean: number, sd: number): number;
    };
  };
  export default jstat;
}
