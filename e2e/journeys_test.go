package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"tremplin/internal/platform/i18n"
)

// The journeys start from a phone that prefers French, as most visitors' do.
const frenchPhone = "fr-FR,fr;q=0.9"

const manager = "manager.lille@tremplin.example" // the demo's manager of Lille, one antenna

func TestManagerCreatesPlaceInFrench(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")

	b.visit("home", "/")
	b.load("login page", click(`header a[href="/login"]`))
	b.signIn(manager)
	createPlace(b, "Médiathèque Jean Lévy")
}

func TestManagerCreatesPlaceInArabic(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	b.visit("login page", "/login")

	b.expectLang("ar", "rtl")
	b.chooseLanguage("ar")
	// The language chosen on the sign-in page stays after signing in.
	b.signIn(manager)
	// A name typed in Arabic, to see it survive the form, the error and the list.
	createPlace(b, "مكتبة الحي")

	// The list page speaks Arabic, not only declares it.
	word := i18n.For("ar").T("nav.places")
	if word == "nav.places" || word == i18n.For("fr").T("nav.places") {
		t.Fatalf("the Arabic catalog has no word of its own for nav.places: %q", word)
	}
	if h1 := b.text("main h1"); h1 != word {
		t.Errorf("places page heading = %q, want the Arabic %q", h1, word)
	}
	if nav := b.text(`header nav a[href="/places"]`); nav != word {
		t.Errorf("places link in the menu = %q, want the Arabic %q", nav, word)
	}
}

func TestNotFoundAndLoginPagesAreAccessibleInEnglish(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.visit("home", "/")
	b.expectLang("en", "ltr")
	b.chooseLanguage("en")

	if status := b.visit("missing page", "/no-such-page"); status != http.StatusNotFound {
		t.Errorf("/no-such-page: HTTP %d, want %d", status, http.StatusNotFound)
	}
	want := i18n.For("en").T("error.404.title") // "Page not found"
	if h1 := b.text("main h1"); h1 != want {
		t.Errorf("404 heading = %q, want %q", h1, want)
	}
	if title := js[string](b, `document.title`); title != want+" · Tremplin" {
		t.Errorf("404 <title> = %q, want %q", title, want+" · Tremplin")
	}

	b.visit("forgotten password", "/password/forgot")
	if h1, want := b.text("main h1"), i18n.For("en").T("forgot.title"); h1 != want {
		t.Errorf("forgotten password heading = %q, want %q", h1, want)
	}
}

// placeFormState is what the new-place form shows after a refused postcode.
type placeFormState struct {
	Error       string `json:"error"`       // the message in the postcode's block
	DescribedBy string `json:"describedBy"` // the postcode input's aria-describedby
	Invalid     string `json:"invalid"`     // and its aria-invalid
	Name        string `json:"name"`        // the values the fields hold
	Postcode    string `json:"postcode"`
}

var placePath = regexp.MustCompile(`^/places/[0-9]+$`)

// createPlace adds a place to the signed-in manager's only antenna: first with a
// four-digit postcode, which must come back as an error next to that field with
// what was typed kept, then corrected. The place must then be shown and listed.
func createPlace(b *browser, name string) {
	const submit = `main form[action="/places"] button[type=submit]`

	b.visit("new place form", "/places/new")
	b.fill(
		[2]string{"name", name},
		[2]string{"address", "3 rue de la Clef"},
		[2]string{"postcode", "5900"},
		[2]string{"city", "Lille"},
	)
	// Opening hours day by day: what a phone's time picker gives (HH:MM).
	js[chromedp.Void](b, `for (const d of ['mo','tu','we','th','fr']) {
		document.getElementById('f-hours_'+d+'_1_from').value = '09:00';
		document.getElementById('f-hours_'+d+'_1_to').value = '17:00';
	}`)
	if status := b.load("new place, postcode 5900", click(submit)); status != http.StatusUnprocessableEntity {
		b.t.Fatalf("postcode 5900: HTTP %d, want %d", status, http.StatusUnprocessableEntity)
	}
	// The message must be in the postcode's own field block, tied to the input so
	// a screen reader reads it with the field, and the typing must not be lost.
	form := js[placeFormState](b, `(() => {
		const input = document.querySelector('#f-postcode');
		const msg = input.closest('.field').querySelector('p.error#e-postcode');
		return {
			error: msg ? msg.textContent.trim() : '',
			describedBy: input.getAttribute('aria-describedby') || '',
			invalid: input.getAttribute('aria-invalid') || '',
			name: document.querySelector('#f-name').value,
			postcode: input.value,
		};
	})()`)
	if form.Error == "" {
		b.t.Errorf("no p.error#e-postcode in the postcode field's block")
	}
	if !regexp.MustCompile(`(^| )e-postcode( |$)`).MatchString(form.DescribedBy) || form.Invalid != "true" {
		b.t.Errorf(`postcode input: aria-describedby=%q aria-invalid=%q, want e-postcode and "true"`, form.DescribedBy, form.Invalid)
	}
	if form.Name != name || form.Postcode != "5900" {
		b.t.Errorf("typed values lost: name %q postcode %q, want %q and 5900", form.Name, form.Postcode, name)
	}

	b.fill([2]string{"postcode", "59000"})
	if status := b.load("new place, postcode 59000", click(submit)); status != http.StatusOK {
		b.t.Fatalf("postcode 59000: HTTP %d, want %d", status, http.StatusOK)
	}
	if p := b.path(); !placePath.MatchString(p) {
		b.t.Fatalf("after saving: on %s, want /places/{id}; page says %q", p, b.text("main"))
	}
	if h1 := b.text("main h1"); h1 != name {
		b.t.Errorf("place page heading = %q, want %q", h1, name)
	}
	if hours, monday := b.text("main .hours-words"), i18n.For(b.lang).T("weekday.1"); !strings.Contains(strings.ToLower(hours), strings.ToLower(monday)) {
		b.t.Errorf("the place page does not say its hours in words (%q): %q", monday, hours)
	}

	b.visit("places", "/places")
	listed := js[bool](b, `[...document.querySelectorAll('main .list a')].some(a => a.textContent.trim() === `+jsString(name)+`)`)
	if !listed {
		b.t.Errorf("%q is not in the list of places: %q", name, b.text("main .list"))
	}
}
