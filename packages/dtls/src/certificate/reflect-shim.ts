/**
 * @peculiar/x509 registers its algorithms with tsyringe, which refuses to load unless
 * `Reflect.getMetadata` exists (the reflect-metadata polyfill). It only needs three functions,
 * so rather than a dependency that patches the global `Reflect` wholesale we install those three,
 * and only when nothing else provided them (if reflect-metadata is loaded later it replaces
 * them, which is harmless: tsyringe reads the metadata only while x509's module initializes).
 * Called right before x509 is first imported, so an app that never generates a certificate never
 * touches `Reflect`.
 */

type MetadataMap = Map<unknown, unknown>;

export function installReflectMetadata(): void {
  const reflect = Reflect as unknown as Record<string, unknown>;
  if (typeof reflect['getMetadata'] === 'function') return;
  const store = new WeakMap<object, MetadataMap>();
  const own = (target: object, create: boolean): MetadataMap | undefined => {
    let map = store.get(target);
    if (map === undefined && create) {
      map = new Map();
      store.set(target, map);
    }
    return map;
  };
  reflect['defineMetadata'] = (key: unknown, value: unknown, target: object): void => {
    own(target, true)?.set(key, value);
  };
  reflect['getOwnMetadata'] = (key: unknown, target: object): unknown => own(target, false)?.get(key);
  reflect['getMetadata'] = (key: unknown, target: object): unknown => {
    for (let o: object | null = target; o !== null && o !== undefined; o = Object.getPrototypeOf(o)) {
      const map = own(o, false);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  };
}
