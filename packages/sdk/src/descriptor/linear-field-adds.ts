/**
 * Makes protobufjs add fields to a `Type` in constant time while the SDK builds types.
 *
 * protobufjs' `Type#add` checks a new field's number against the `fieldsById` cache and then clears that
 * cache, so the next add rebuilds it from every field already there: building a message of n fields
 * (`addJSON`, `Root.fromDescriptor`) costs O(n²) — about 20 s for 10,001 fields. While `build` runs, each
 * type's field-number table is kept up to date incrementally and handed to `add` as its cache, so the very
 * same checks (duplicate number, reserved number or name) and errors happen, each in constant time.
 *
 * The patch lives only for the synchronous call of `build` (no application code runs meanwhile) and is
 * removed in `finally`, so nothing outside the SDK's own type building ever sees it.
 */
import { protobuf } from "./protobuf-runtime.js";

type FieldsById = Record<number, protobuf.Field>;

/** The cache fields of `Type` that `add` reads and `clearCache` resets (protobufjs internals). */
interface TypeCache {
  _fieldsById: FieldsById | null;
}

let active = false;

/** Runs `build` with linear-time field adds on every protobufjs `Type`; returns what `build` returns. */
export function withLinearFieldAdds<T>(build: () => T): T {
  if (active) return build();
  const proto = protobuf.Type.prototype;
  const originalAdd = proto.add;
  const originalRemove = proto.remove;
  const tables = new WeakMap<protobuf.Type, FieldsById>();
  proto.add = function add(this: protobuf.Type, object: protobuf.ReflectionObject): protobuf.Type {
    if (!(object instanceof protobuf.Field) || object.extend !== undefined) return originalAdd.call(this, object);
    // The getter builds the table once (and throws on a duplicate number, as the first add would anyway).
    const table = tables.get(this) ?? this.fieldsById;
    tables.set(this, table);
    (this as unknown as TypeCache)._fieldsById = table;
    const result = originalAdd.call(this, object);
    // `add` returns early without adding a field named `__proto__`; only a field that is now there counts.
    if (Object.prototype.hasOwnProperty.call(this.fields, object.name) && this.fields[object.name] === object) {
      table[object.id] = object as protobuf.Field;
    }
    return result;
  };
  proto.remove = function remove(this: protobuf.Type, object: protobuf.ReflectionObject): protobuf.Type {
    tables.delete(this);
    return originalRemove.call(this, object);
  };
  active = true;
  try {
    return build();
  } finally {
    active = false;
    proto.add = originalAdd;
    proto.remove = originalRemove;
  }
}
