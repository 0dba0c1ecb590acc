/** How a batch's records were measured: one size per record, or none needed. */

/** Says that every record of a batch is as long on the wire as its `.length`: bytes, or ASCII text. */
export const SIZE_IS_LENGTH = "length";

/** The encoded size of each record of a batch, or {@link SIZE_IS_LENGTH} (which needs no array per batch). */
export type BatchSizes = readonly number[] | typeof SIZE_IS_LENGTH;
