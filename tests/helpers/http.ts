/** A minimal cookie-keeping HTTP client for testing the server as a browser without JS would. */
export class Client {
	private cookies = new Map<string, string>();

	constructor(private readonly base: string) {}

	/** Sends a request without following redirects; stores cookies it sets. */
	async request(path: string, init: { method?: string; form?: Record<string, string | string[]>; headers?: Record<string, string> } = {}) {
		const headers: Record<string, string> = { accept: 'text/html', ...init.headers };
		if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
		let body: URLSearchParams | undefined;
		if (init.form) {
			body = new URLSearchParams();
			for (const [k, v] of Object.entries(init.form)) for (const x of [v].flat()) body.append(k, x);
			headers['content-type'] = 'application/x-www-form-urlencoded';
			headers.origin ??= this.base;
		}
		const res = await fetch(this.base + path, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
		for (const c of res.headers.getSetCookie()) {
			const [pair] = c.split(';');
			const i = pair.indexOf('=');
			const value = pair.slice(i + 1);
			if (value === '' || /max-age=0/i.test(c)) this.cookies.delete(pair.slice(0, i));
			else this.cookies.set(pair.slice(0, i), value);
		}
		return res;
	}

	/** GET and return status and body text. */
	async get(path: string, headers: Record<string, string> = {}) {
		const res = await this.request(path, { headers });
		return { status: res.status, text: await res.text(), res };
	}

	/** Signs in through the login form. @returns the response status (303 on success). */
	async login(email: string, password = 'anlaufstelle-demo', lang = 'de') {
		const res = await this.request(`/${lang}/login`, { form: { email, password } });
		return res.status;
	}

	cookie(name: string): string | undefined {
		return this.cookies.get(name);
	}
}
