import { z } from 'zod';

// zod compiles object validators with `new Function` when it can; the CSP forbids eval, so it must not even try
// (trying is a reported CSP violation). Imported first, before any schema parses.
z.config({ jitless: true });
