// The component's four interfaces, as jco transpiled them (generated/, written by
// `npm run build`): `cases`, `caseComments`, `caseTags`, `connectors`, each with the
// WIT's functions in camelCase. Every call is synchronous; a WIT `err` is thrown as
// jco's `ComponentError`, whose `payload` is the `error` variant.
export { cases, caseComments, caseTags, connectors } from './generated/elastic_security.js';
