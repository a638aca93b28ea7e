package e2e

import (
	"context"
	"fmt"
	"testing"
)

// The register of processing activities, the audit of reads, the retention
// periods, the files about to be anonymised and the erasure page fit a phone
// and pass axe, in French and in Arabic (right to left), table and field names
// and paths left to right.
func TestRegisterOfProcessingOnAPhone(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	b.visit("login", "/login")
	b.signIn("admin@tremplin.example")
	// A file read, so that the audit has a line to show.
	var learner int64
	b.app.DB.QueryRowContext(context.Background(), "SELECT MIN(id) FROM learners").Scan(&learner)
	b.visit("a file", fmt.Sprint("/learners/", learner))
	for _, lang := range []struct{ lang, dir string }{{"fr", "ltr"}, {"ar", "rtl"}} {
		b.expectLang(lang.lang, lang.dir)
		if lang.lang != "fr" {
			b.chooseLanguage(lang.lang)
		}
		// The periods, the files about to be anonymised (the demo lists one),
		// and the page that erases a file on request.
		for _, path := range []string{"/privacy/register", "/privacy/audit", "/privacy/audit?action=read_file", "/privacy/retention",
			"/privacy/notices", fmt.Sprint("/learners/", learner, "/erase")} {
			if status := b.visit(path+" "+lang.lang, path); status != 200 {
				t.Errorf("%s: HTTP %d", path, status)
			}
		}
	}
}

// A person's data, to read or print, comes in their language whoever signs
// in: a French adviser prints an Arabic speaker's in Arabic, right to left,
// and a French speaker's in French. Both fit a phone and pass axe.
func TestPersonsDataInTheirLanguageOnAPhone(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	b.visit("login", "/login")
	b.signIn("karim.lille@tremplin.example")
	ctx := context.Background()
	var learner int64
	b.app.DB.QueryRowContext(ctx, `SELECT MIN(l.id) FROM learners l JOIN antennas a ON a.id = l.antenna_id WHERE a.name = 'Lille'`).Scan(&learner)
	b.visit("the file", fmt.Sprint("/learners/", learner))
	for _, lang := range []struct{ lang, dir string }{{"fr", "ltr"}, {"ar", "rtl"}} {
		if _, err := b.app.DB.ExecContext(ctx, "UPDATE learners SET lang = $1 WHERE id = $2", lang.lang, learner); err != nil {
			t.Fatal(err)
		}
		b.expectLang(lang.lang, lang.dir)
		path := fmt.Sprint("/learners/", learner, "/access")
		if status := b.visit("the person's data "+lang.lang, path); status != 200 {
			t.Errorf("%s: HTTP %d", path, status)
		}
	}
}
