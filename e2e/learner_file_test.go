package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"tremplin/internal/platform/i18n"
)

// An adviser reading in Arabic on a phone goes through a file (its timeline, its
// positioning test), finds the file's likely duplicate, compares the two field by
// field and merges them, then reads the follow-ups to do: every page right to
// left, at 360 px, accessible, within its weight.
func TestAdviserMergesAFileInArabicOnAPhone(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	b.visit("login page", "/login")
	b.expectLang("ar", "rtl")
	b.chooseLanguage("ar")
	b.signIn(adviser)

	var keep, other int64
	if err := b.app.DB.QueryRowContext(context.Background(), "SELECT id, duplicate_of FROM learners WHERE last_name = 'EL AMRANI'").Scan(&other, &keep); err != nil {
		t.Fatalf("the demo's duplicate pair: %v", err)
	}
	file := "/learners/" + strconv.FormatInt(keep, 10)
	b.visit("learner file", file)
	b.load("likely duplicates", click(`main a[href="`+file+`/merge"]`))
	b.load("comparison", click(`main a[href="`+file+`/merge?other=`+strconv.FormatInt(other, 10)+`"]`))
	b.tick("pick_phone", "other")
	b.load("merged", click(`main form[action="`+file+`/merge"] button[type=submit]`))
	if got, want := b.text("main dl.facts"), i18n.For("ar").T("learner.secondary_phone"); !strings.Contains(got, want) {
		t.Errorf("the merged file does not show %q among its details", want)
	}
	b.visit("follow-ups", "/followups")
}
