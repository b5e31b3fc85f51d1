/**
 * `Symbol.asyncDispose` and `Symbol.dispose` for runtimes that lack them
 * (Node before 20.4 and 18.18), so that `await using` works with the
 * database, its transactions and event queues. Imported first by every
 * module that defines a disposer.
 */
const S = Symbol as unknown as { asyncDispose?: symbol; dispose?: symbol };
if (S.asyncDispose === undefined) Object.defineProperty(Symbol, 'asyncDispose', { value: Symbol.for('Symbol.asyncDispose') });
if (S.dispose === undefined) Object.defineProperty(Symbol, 'dispose', { value: Symbol.for('Symbol.dispose') });

export {};
