package donations

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"tremplin/internal/platform/web"
)

// HelloAsso's back office exports payments as a spreadsheet (CSV, ";"
// between columns, amounts in euros with a decimal comma, dates as
// 02/01/2026 10:30). Its columns are found by their titles, whatever their
// order, and so are the API's field names (a file made from the API by
// another tool): each field below lists the titles it answers to, compared
// without case, accents or extra spaces.
var haColumns = []struct {
	field    string
	required bool
	titles   []string
}{
	{"id", true, []string{"référence du paiement", "numéro du paiement", "numéro de paiement", "référence paiement", "id du paiement", "id paiement", "id"}},
	{"amount", true, []string{"montant du paiement", "montant", "montant (€)", "montant total", "amount"}},
	{"tip", false, []string{"contribution à helloasso", "contribution helloasso", "pourboire", "amounttip"}},
	{"currency", false, []string{"devise", "monnaie", "currency"}},
	{"date", true, []string{"date du paiement", "date de paiement", "date"}},
	{"state", true, []string{"statut du paiement", "statut", "état du paiement", "état", "state"}},
	{"means", false, []string{"moyen de paiement", "paymentmeans"}},
	{"form", true, []string{"type de formulaire", "type de campagne", "type de la campagne", "formtype"}},
	{"receipt", false, []string{"reçu fiscal", "lien du reçu fiscal", "url du reçu fiscal", "attestation", "fiscalreceipturl"}},
	{"first", false, []string{"prénom payeur", "prénom du payeur", "prénom", "firstname"}},
	{"last", false, []string{"nom payeur", "nom du payeur", "nom", "lastname"}},
	{"email", false, []string{"email payeur", "e-mail payeur", "email du payeur", "email", "e-mail", "courriel"}},
	{"address", false, []string{"adresse payeur", "adresse du payeur", "adresse", "address"}},
	{"zip", false, []string{"code postal payeur", "code postal du payeur", "code postal", "zipcode"}},
	{"city", false, []string{"ville payeur", "ville du payeur", "ville", "city"}},
	{"country", false, []string{"pays payeur", "pays du payeur", "pays", "country"}},
	{"company", false, []string{"raison sociale", "société", "entreprise", "company"}},
}

// title compares column titles: lower case, accents gone, spaces collapsed.
func title(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\ufeff")))
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if r >= 0x300 && r <= 0x36F {
			continue // a combining accent
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// haCSV reads HelloAsso's CSV export into the API's payments, so that the
// same checks and writing apply. A file whose titles lack a column the import
// needs gives the missing fields' titles and no payment.
func haCSV(raw []byte) ([]haPayment, []string, error) {
	raw = bytes.TrimPrefix(raw, []byte("\ufeff"))
	first, _, _ := bytes.Cut(raw, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(raw))
	r.Comma = ';'
	if bytes.Count(first, []byte(",")) > bytes.Count(first, []byte(";")) {
		r.Comma = ','
	}
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, nil, err
	}
	at := map[string]int{}
	for i, h := range rows[0] {
		t := title(h)
		for _, c := range haColumns {
			if _, done := at[c.field]; done {
				continue
			}
			for _, want := range c.titles {
				if t == title(want) {
					at[c.field] = i
					break
				}
			}
		}
	}
	var missing []string
	for _, c := range haColumns {
		if _, ok := at[c.field]; c.required && !ok {
			missing = append(missing, c.titles[0])
		}
	}
	if len(missing) > 0 {
		return nil, missing, nil
	}
	var out []haPayment
	for _, row := range rows[1:] {
		if len(strings.Join(row, "")) == 0 {
			continue // an empty line
		}
		get := func(field string) string {
			if i, ok := at[field]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		p := haPayment{ID: json.Number(get("id")), Currency: get("currency"), PaymentMeans: get("means"),
			FiscalReceiptURL: get("receipt")}
		if cents, ok := parseEuros(strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(get("amount"), "€")), "EUR")); ok {
			p.Amount = &cents
		}
		if tip := get("tip"); tip != "" {
			if cents, ok := parseEuros(strings.TrimSpace(strings.TrimSuffix(tip, "€"))); ok {
				p.AmountTip = cents
			} else {
				p.Amount = nil // a tip that cannot be read: the amount is not known
			}
		}
		p.Date = csvDate(get("date"))
		p.State = csvState(get("state"))
		p.Order.FormType = csvForm(get("form"))
		p.Payer.FirstName, p.Payer.LastName, p.Payer.Email = get("first"), get("last"), get("email")
		p.Payer.Address, p.Payer.ZipCode, p.Payer.City = get("address"), get("zip"), get("city")
		p.Payer.Country, p.Payer.Company = get("country"), get("company")
		out = append(out, p)
	}
	return out, nil, nil
}

// csvDate turns the export's date (02/01/2026 10:30[:00], Paris time, or
// an ISO date) into the API's form; "" when it is not a date.
func csvDate(s string) string {
	for _, layout := range []string{"02/01/2006 15:04:05", "02/01/2006 15:04", "02/01/2006", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, web.Paris); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	if _, err := time.Parse(time.RFC3339, s); err == nil {
		return s
	}
	return ""
}

// csvState turns the export's French payment states into the API's.
func csvState(s string) string {
	switch t := title(s); {
	case t == "autorise" || t == "valide" || t == "paye" || t == "authorized" || t == "registered":
		return "Authorized"
	case strings.HasPrefix(t, "rembours") || t == "refunded" || t == "refunding":
		return "Refunded"
	}
	return s
}

// csvForm turns the export's kind of form into the API's ("Don" is a
// Donation; memberships, tickets and shops are not gifts).
func csvForm(s string) string {
	switch t := title(s); t {
	case "don", "dons", "donation", "formulaire de don":
		return "Donation"
	}
	return s
}
