// Pages are server-rendered HTML without client-side JavaScript: light on cheap phones, and
// every page and form works with JavaScript disabled.
export const csr = false;
