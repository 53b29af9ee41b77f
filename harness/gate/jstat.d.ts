// jstat ships no types; meshgate uses only Student's t quantile from it.
declare module 'jstat' {
  const jstat: {
    studentt: {
      /** Quantile: the value below which a share `p` of a t distribution with `dof` degrees of freedom lies. */
      inv(p: number, dof: number): number;
    };
  };
  export default jstat;
}
