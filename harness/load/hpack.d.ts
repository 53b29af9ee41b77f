// Types of the `hpack` package (RFC 7541 codec, no types of its own): the decoder half used here.
declare module 'hpack' {
  /** One side's HPACK state; `decode` keeps the peer's dynamic table across header blocks of a connection. */
  export default class HPACK {
    /** A whole header block (after CONTINUATION frames are joined), as [name, value] pairs in order. */
    decode(block: Buffer): Array<[string, string]>;
  }
}
