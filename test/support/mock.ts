/**
 * A unit test's stand-in for an injectable class: an object of the class's own prototype (no constructor
 * runs, so no database, Redis or kernel is touched) carrying just the members a test gives it. Typed from
 * the real class, so a test cannot hand a service something its real dependency lacks.
 */
export function mockOf<T extends object>(cls: abstract new (...args: never[]) => T, members: Partial<T>): T {
  return Object.assign(Object.create(cls.prototype) as T, members);
}
