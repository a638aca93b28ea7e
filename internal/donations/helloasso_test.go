package donations_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"tremplin/internal/donations"
	"tremplin/internal/org/orgtest"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// HelloAsso's payments: donations become gifts with their donor (found again
// by email), HelloAsso's tip is not counted, its receipt is kept so that we
// never issue a second; memberships and unpaid payments are left out; the same
// file twice changes nothing; a refund arriving later marks the gift refunded.
func TestImportHelloAssoPayments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		orgtest.Setup(t, d)
		file, err := os.ReadFile("testdata/helloasso_payments.json")
		if err != nil {
			t.Fatal(err)
		}
		rep, err := donations.ImportHelloAsso(ctx, d, bytes.NewReader(file), 0)
		if err != nil {
			t.Fatalf("%v %+v", err, rep)
		}
		if rep.Added != 3 || rep.Refunded != 1 || rep.Skipped != 2 || rep.Unchanged != 0 {
			t.Fatalf("first import: %+v", rep)
		}
		codes := map[string]string{}
		for _, r := range rep.Rows {
			codes[r.ID] = r.Code
		}
		if codes["7003"] != "not_donation" || codes["7004"] != "not_paid" || codes["7006"] != "refunded" {
			t.Errorf("rows %v", codes)
		}
		var donors, gifts int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM donors").Scan(&donors)
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM gifts").Scan(&gifts)
		if donors != 3 || gifts != 4 {
			t.Errorf("%d donors, %d gifts; want Amina (twice a payer), Yonas and the company; 4 gifts", donors, gifts)
		}
		var cents int64
		var on string
		d.QueryRowContext(ctx, "SELECT amount_cents, received_on FROM gifts WHERE helloasso_id = '7002'").Scan(&cents, &on)
		if cents != 2000 || on != "2027-01-01" {
			t.Errorf("Yonas's gift: %d cents on %s; want 2000 (without the tip), on 1 January in Paris", cents, on)
		}
		var kind, org string
		d.QueryRowContext(ctx, "SELECT d.kind, d.org_name FROM gifts g JOIN donors d ON d.id = g.donor_id WHERE g.helloasso_id = '7005'").Scan(&kind, &org)
		if kind != "organisation" || org != "Numérique Solidaire SAS" {
			t.Errorf("the company's gift is from %s %q", kind, org)
		}
		// HelloAsso issued the receipt of 7001: we never issue another.
		var donorID, giftID int64
		d.QueryRowContext(ctx, "SELECT donor_id, id FROM gifts WHERE helloasso_id = '7001'").Scan(&donorID, &giftID)
		if _, err := donations.Issue(ctx, d, donorID, []int64{giftID}, day("2026-12-02"), 0); !errors.Is(err, donations.ErrHelloAsso) {
			t.Errorf("a second receipt for a gift HelloAsso receipted: %v", err)
		}
		// The same file again: nothing changes.
		rep, err = donations.ImportHelloAsso(ctx, d, bytes.NewReader(file), 0)
		if err != nil || rep.Added != 0 || rep.Refunded != 0 || rep.Unchanged != 4 {
			t.Fatalf("second import: %+v, %v", rep, err)
		}
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM gifts").Scan(&gifts)
		if gifts != 4 {
			t.Errorf("%d gifts after importing twice", gifts)
		}
		// Later, Yonas's payment is refunded.
		later := strings.Replace(string(file), `"id": 7002, "amount": 2300, "amountTip": 300, "date": "2026-12-31T23:40:00+00:00",
      "paymentMeans": "Card", "state": "Authorized", "type": "Offline", "refundOperations": []`,
			`"id": 7002, "amount": 2300, "amountTip": 300, "date": "2026-12-31T23:40:00+00:00",
      "paymentMeans": "Card", "state": "Refunded", "type": "Offline", "refundOperations": [{"amount": 2300, "status": "Processed"}]`, 1)
		if later == string(file) {
			t.Fatal("the refund was not written into the file")
		}
		rep, err = donations.ImportHelloAsso(ctx, d, strings.NewReader(later), 0)
		if err != nil || rep.Refunded != 1 {
			t.Fatalf("import with a refund: %+v, %v", rep, err)
		}
		var state string
		d.QueryRowContext(ctx, "SELECT state FROM gifts WHERE helloasso_id = '7002'").Scan(&state)
		if state != "refunded" {
			t.Errorf("Yonas's refunded gift is %q", state)
		}
	})
}

// A file with a payment in dollars and one without an amount is refused whole,
// each row said; one that is not UTF-8, or not HelloAsso's layout, too.
func TestImportHelloAssoRefusesBadFiles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		orgtest.Setup(t, d)
		bad := `{"data": [
			{"id": 1, "amount": 1000, "date": "2026-01-01T10:00:00+01:00", "state": "Authorized", "order": {"formType": "Donation"}, "payer": {"lastName": "A"}},
			{"id": 2, "amount": 1000, "currency": "USD", "date": "2026-01-01T10:00:00+01:00", "state": "Authorized", "order": {"formType": "Donation"}, "payer": {"lastName": "B"}},
			{"id": 3, "date": "2026-01-01T10:00:00+01:00", "state": "Authorized", "order": {"formType": "Donation"}, "payer": {"lastName": "C"}}]}`
		rep, err := donations.ImportHelloAsso(ctx, d, strings.NewReader(bad), 0)
		if !errors.Is(err, donations.ErrImport) {
			t.Fatalf("a file with bad rows: %v", err)
		}
		var problems []string
		for _, r := range rep.Rows {
			if r.Error {
				problems = append(problems, r.ID+":"+r.Code)
			}
		}
		if strings.Join(problems, " ") != "2:currency 3:amount" {
			t.Errorf("problems %v", problems)
		}
		var gifts int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM gifts").Scan(&gifts)
		if gifts != 0 {
			t.Errorf("%d gifts written from a refused file", gifts)
		}
		for name, file := range map[string]string{"latin-1": "{\"data\": [{\"payer\": {\"lastName\": \"M\xe9nard\"}}]}", "csv": "Date;Montant\n"} {
			rep, err := donations.ImportHelloAsso(ctx, d, strings.NewReader(file), 0)
			if !errors.Is(err, donations.ErrImport) || len(rep.Rows) != 1 {
				t.Errorf("%s: %v %+v", name, err, rep)
			}
		}
	})
}

// HelloAsso's CSV export gives the same gifts as its API's JSON, read by its
// columns' titles (French amounts and dates, a byte-order mark, ";"); the
// same payments then imported as JSON change nothing. A file missing a column,
// in another encoding, or with a payment in dollars is refused whole.
func TestImportHelloAssoCSV(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		orgtest.Setup(t, d)
		file, err := os.ReadFile("testdata/helloasso_payments.csv")
		if err != nil {
			t.Fatal(err)
		}
		rep, err := donations.ImportHelloAsso(ctx, d, bytes.NewReader(file), 0)
		if err != nil {
			t.Fatalf("%v %+v", err, rep)
		}
		if rep.Added != 3 || rep.Refunded != 1 || rep.Skipped != 2 || rep.Unchanged != 0 {
			t.Fatalf("CSV import: %+v", rep)
		}
		var cents int64
		var on, receipt string
		d.QueryRowContext(ctx, "SELECT amount_cents, received_on FROM gifts WHERE helloasso_id = '7002'").Scan(&cents, &on)
		if cents != 2000 || on != "2027-01-01" {
			t.Errorf("Yonas's gift: %d cents on %s; want 2000 (without the tip), on 1 January", cents, on)
		}
		d.QueryRowContext(ctx, "SELECT amount_cents, helloasso_receipt_url FROM gifts WHERE helloasso_id = '7001'").Scan(&cents, &receipt)
		if cents != 5000 || !strings.HasSuffix(receipt, "/7001") {
			t.Errorf("Amina's gift: %d cents, receipt %q", cents, receipt)
		}
		d.QueryRowContext(ctx, "SELECT amount_cents FROM gifts WHERE helloasso_id = '7005'").Scan(&cents)
		if cents != 100000 {
			t.Errorf("the company's gift of 1 000,00: %d cents", cents)
		}
		json, err := os.ReadFile("testdata/helloasso_payments.json")
		if err != nil {
			t.Fatal(err)
		}
		rep, err = donations.ImportHelloAsso(ctx, d, bytes.NewReader(json), 0)
		if err != nil || rep.Added != 0 || rep.Unchanged != 4 {
			t.Errorf("the same payments as JSON: %+v, %v", rep, err)
		}
		var gifts int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM gifts").Scan(&gifts)
		if gifts != 4 {
			t.Errorf("%d gifts after the CSV and the JSON", gifts)
		}
		lines := strings.Split(string(file), "\r\n")
		noState := strings.ReplaceAll(strings.Join(lines, "\r\n"), "Statut;", "Remarque;")
		dollars := strings.Join(append(lines[:1:1], "9001;10/03/2026 14:22:31;50,00;0,00;Autorisé;Carte;Don;F;A;B;a@example.org;;;;;;",
			"9002;10/03/2026 14:22:31;50 USD;0,00;Autorisé;Carte;Don;F;A;B;a@example.org;;;;;;"), "\r\n")
		for name, c := range map[string]struct{ file, want string }{
			"no state column": {noState, ":columns"},
			"latin-1":         {"Montant;Nom\n12,00;M\xe9nard\n", ":encoding"},
			"dollars":         {dollars, "9002:amount"},
		} {
			rep, err := donations.ImportHelloAsso(ctx, d, strings.NewReader(c.file), 0)
			if !errors.Is(err, donations.ErrImport) {
				t.Errorf("%s: %v", name, err)
				continue
			}
			var problems []string
			for _, r := range rep.Rows {
				if r.Error {
					id := r.ID
					if r.Code == "columns" {
						id = ""
						if !strings.Contains(r.ID, "statut du paiement") {
							t.Errorf("%s: the missing columns are %q", name, r.ID)
						}
					}
					problems = append(problems, id+":"+r.Code)
				}
			}
			if strings.Join(problems, " ") != c.want {
				t.Errorf("%s: problems %v, want %s", name, problems, c.want)
			}
		}
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM gifts").Scan(&gifts)
		if gifts != 4 {
			t.Errorf("%d gifts after refused files", gifts)
		}
	})
}
