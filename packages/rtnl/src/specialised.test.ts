import fc from 'fast-check';
import { describe, it } from 'vitest';
import { specialisedCodecsProperty } from '@nlkit/core/arbitrary';
import { rtnl } from './family.js';

// Every rtnl message type through the specialised encoders (the message's,
// made from its header's and attribute set's generated code) and through the
// interpreted ones alone: the same bytes, decode and errors, for generated
// messages and for each with one attribute replaced by a wrong value.
describe('rtnl: specialised and interpreted codecs agree', () => {
  for (const name of Object.keys(rtnl.messages) as (keyof typeof rtnl.messages & string)[]) {
    it(name, () => {
      fc.assert(specialisedCodecsProperty(rtnl, name), { numRuns: 40 });
    });
  }
});
