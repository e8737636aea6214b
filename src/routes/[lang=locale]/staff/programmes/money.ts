/** Euro amounts for the programme pages: cents → the locale's currency format (`12.500,50 €`). */
export function euros(cents: number, locale: string): string {
	return new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(cents / 100);
}
