package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"

	"tremplin/internal/catalogue"
	"tremplin/internal/learners"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/registration"
	"tremplin/internal/training"
)

// The learner's path: a visitor registers from the course catalogue on a phone,
// then an adviser works the registration, enrols the person and takes attendance.

const adviser = "karim.lille@tremplin.example" // adviser in Lille, teaches its first cohort

// person is what a visitor types and ticks on the registration form.
type person struct {
	first, last string
	phone       string // as typed
	e164        string // as it must be stored
	year, where string
	// One box of each group, by value.
	language, french, situation, equipment, availability string
}

func TestVisitorRegistersOnAPhoneInFrench(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	lille, cohort := lilleUpcoming(b)
	p := person{first: "Inès", last: "Morel", phone: "06 12 34 56 78", e164: "+33612345678", year: "1992", where: "59000 Lille",
		language: "ar", french: "everyday", situation: "job_seeker", equipment: "smartphone", availability: "mornings"}

	b.visit("home", "/")
	openRegistration(b, lille, cohort)
	registerAfterMistakes(b, p, "fr")
	checkRegistered(b, p, "fr", lille, cohort)
}

func TestVisitorRegistersInArabic(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	lille, cohort := lilleUpcoming(b)
	// Arabic names, and the phone typed with the Arabic-Indic digits of an Arabic
	// keyboard: both must come through as a French adviser needs them.
	p := person{first: "ليلى", last: "منصور", phone: "٠٧ ٦١ ٢٣ ٤٥ ٦٧", e164: "+33761234567", year: "1988", where: "59000 Lille",
		language: "ar", french: "a_little", situation: "asylum", equipment: "smartphone", availability: "afternoons"}

	b.visit("home", "/")
	b.expectLang("ar", "rtl") // from here on, on every page
	b.chooseLanguage("ar")
	openRegistration(b, lille, cohort)
	registerAfterMistakes(b, p, "ar")
	// The confirmation speaks Arabic, not only declares it.
	if ar, fr := i18n.For("ar").T("register.thanks_title"), i18n.For("fr").T("register.thanks_title"); ar == fr {
		t.Fatalf("the Arabic catalog has no words of its own for register.thanks_title: %q", ar)
	}
	sms := checkRegistered(b, p, "ar", lille, cohort)
	if !strings.ContainsFunc(sms, func(r rune) bool { return unicode.Is(unicode.Arabic, r) }) {
		t.Errorf("the SMS to someone who registered in Arabic has no Arabic in it: %q", sms)
	}
}

func TestAdviserEnrolsAndTakesAttendanceOnAPhone(t *testing.T) {
	b := newBrowser(t, frenchPhone)
	b.expectLang("fr", "ltr")
	fr := i18n.For("fr")
	lille, cohort := lilleCohort(b)
	_, upcoming := lilleUpcoming(b)
	p := person{first: "Bilal", last: "Kaci", phone: "07 61 23 45 67", e164: "+33761234567", year: "2001", where: "59100 Roubaix",
		language: "fr", french: "fluent", situation: "young_unqualified", equipment: "computer", availability: "mornings"}

	// Someone registers from the catalogue on this phone, then hands it to the
	// adviser, who enrols them in the session that has just begun.
	b.visit("home", "/")
	openRegistration(b, lille, upcoming)
	fillRegistration(b, p)
	b.tick("consent", "yes")
	sendRegistration(b, "fr")
	l := findLearner(b, p)
	file := "/learners/" + strconv.FormatInt(l.ID, 10)

	b.load("login page", click(`header a[href="/login"]`))
	b.signIn(adviser)

	// The inbox opens on the adviser's own queue; the new registration is among
	// those not assigned yet, and its name opens the file.
	b.load("inbox", click(`header a[href="/inbox"]`))
	b.choose("who", "none")
	b.load("inbox, not assigned", click(`main form.filters button[type=submit]`))
	if name := b.text(`main .list a[href="` + file + `"]`); name != p.first+" "+p.last {
		t.Fatalf("inbox: link to %s reads %q, want %q", file, name, p.first+" "+p.last)
	}
	b.load("learner file", click(`main .list a[href="`+file+`"]`))

	// A call that was not answered, with a note for whoever calls next.
	const note = "Messagerie pleine, rappeler après 17 h."
	b.choose("contact_kind", "no_answer")
	b.fill([2]string{"contact_note", note})
	if status := b.load("contact logged", click(`main form[action="`+file+`/contacts"] button[type=submit]`)); status != http.StatusOK || b.path() != file {
		t.Fatalf("logging a contact: HTTP %d on %s, want 200 on %s; page says %q", status, b.path(), file, b.text("main"))
	}
	logged := js[bool](b, `[...document.querySelectorAll('main .timeline li')].some(li =>
		li.textContent.includes(`+jsString(fr.T("learner.contact.no_answer"))+`) &&
		li.querySelector('.note')?.textContent.trim() === `+jsString(note)+`)`)
	if !logged {
		t.Errorf("the timeline does not show the unanswered call with its note: %q", b.text("main .timeline"))
	}

	// Enrol through the decision form.
	b.choose("cohort", strconv.FormatInt(cohort.ID, 10))
	if status := b.load("enrolled", click(`main form[action="`+file+`/decision"] button[name=decision][value=enrol]`)); status != http.StatusOK || b.path() != file {
		t.Fatalf("enrolling: HTTP %d on %s, want 200 on %s; page says %q", status, b.path(), file, b.text("main"))
	}
	if got, want := b.text("main .status-line .status"), fr.T("learner.status.enrolled"); got != want {
		t.Errorf("status after enrolling = %q, want %q", got, want)
	}

	// The adviser's meetings lead to the cohort, whose timetable leads to the roll
	// call of its first meeting already held.
	cohortPath := "/cohorts/" + strconv.FormatInt(cohort.ID, 10)
	b.load("my meetings", click(`header a[href="/meetings"]`))
	b.load("cohort", click(`main a[href="`+cohortPath+`"]`))
	if !js[bool](b, `!!document.querySelector('main a[href="`+file+`"]')`) {
		t.Errorf("the cohort's roster does not list %s %s", p.first, p.last)
	}
	b.load("attendance", click(`main table tr.tr-past a[href$="/attendance"]`)) // a roll call waits for its meeting
	attendance := b.path()
	markName := "mark_" + strconv.FormatInt(l.ID, 10)
	mark := `input[name="` + markName + `"]`
	present := mark + `[value="present"]`

	// The whole label is the target, big enough for a thumb (WCAG 2.5.5 asks
	// 44 px; axe's target-size rule is WCAG 2.2, which it is not asked for).
	if h := js[float64](b, `document.querySelector('label:has(> `+present+`)').getBoundingClientRect().height`); h < 44 {
		t.Errorf("the label to mark present is %.0f px high, want at least 44", h)
	}
	b.tick(markName, "present") // one tap
	save := `main form.tr-roll[action="` + attendance + `"] button[type=submit]`
	b.load("attendance saved", click(save))
	if got, want := b.text("main .flash"), fr.T("training.attendance_saved"); got != want {
		t.Errorf("after saving the roll call: flash %q, want %q", got, want)
	}
	checkMarked(b, mark, "present")
	b.load("attendance reloaded", chromedp.Reload())
	checkMarked(b, mark, "present")
	// The same form sent again (a double tap, a resent page) changes nothing.
	b.load("attendance saved again", click(save))
	checkMarked(b, mark, "present")

	var enrolment training.EnrolmentView
	views, err := training.LearnerEnrolments(t.Context(), b.app.DB, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range views {
		if v.CohortID == cohort.ID {
			enrolment = v
		}
	}
	if enrolment.State != training.Enrolled || len(enrolment.Marks) != 1 || enrolment.Marks[0].Mark != "present" || enrolment.HoursAttended <= 0 {
		t.Fatalf("in the database: enrolment %q with marks %+v and %g h attended, want enrolled, one present mark, hours > 0",
			enrolment.State, enrolment.Marks, enrolment.HoursAttended)
	}

	// The file, reached from the cohort's roster, shows the enrolment and the hours.
	b.load("cohort again", click(`main a[href="`+cohortPath+`#timetable"]`))
	b.load("learner file again", click(`main a[href="`+file+`"]`))
	card := js[string](b, `[...document.querySelectorAll('main .list li.card')].find(li =>
		li.querySelector('h3')?.textContent.trim() === `+jsString(cohort.ProgrammeTitle)+`)?.textContent ?? ''`)
	hours := fr.T("learner.hours", "done", fmt.Sprintf("%g", enrolment.HoursAttended), "planned", fmt.Sprintf("%g", enrolment.HoursPlanned))
	for _, want := range []string{fr.T("learner.enrolment.enrolled"), hours, fr.N("learner.marks", 1)} {
		if !strings.Contains(card, want) {
			t.Errorf("the file's enrolment in %q does not say %q: %q", cohort.ProgrammeTitle, want, card)
		}
	}
}

// lilleCohort is the antenna of Lille and its open cohort that starts first: the
// demo starts it a few days ago, with meetings twice a week and the adviser among
// its teachers. Its id comes from the database because the journeys need it
// later, to enrol and to find the meeting.
func lilleCohort(b *browser) (*org.Antenna, training.CohortSummary) {
	b.t.Helper()
	ctx := b.t.Context()
	antennas, err := org.AllAntennas(ctx, b.app.DB)
	if err != nil {
		b.t.Fatal(err)
	}
	i := slices.IndexFunc(antennas, func(a *org.Antenna) bool { return a.Name == "Lille" })
	if i < 0 {
		b.t.Fatal("the demo has no Lille antenna")
	}
	cohorts, err := training.OpenCohorts(ctx, b.app.DB, antennas[i].ID)
	if err != nil {
		b.t.Fatal(err)
	}
	if len(cohorts) == 0 || cohorts[0].SeatsLeft == 0 {
		b.t.Fatalf("the demo has no Lille cohort with a seat left: %+v", cohorts)
	}
	return antennas[i], cohorts[0]
}

// lilleUpcoming is Lille's first cohort a visitor may still ask to join: one that
// has not begun (the catalogue offers no other).
func lilleUpcoming(b *browser) (*org.Antenna, training.CohortSummary) {
	b.t.Helper()
	lille, _ := lilleCohort(b)
	cohorts, err := training.OpenCohorts(b.t.Context(), b.app.DB, lille.ID)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, c := range cohorts {
		if catalogue.StillOffered(c.StartsOn, time.Now()) && c.SeatsLeft > 0 {
			return lille, c
		}
	}
	b.t.Fatalf("the demo has no upcoming Lille cohort with a seat left: %+v", cohorts)
	return nil, training.CohortSummary{}
}

// openRegistration goes from the home page shown to the catalogue, then follows
// the registration link of the cohort, which must preselect its antenna.
func openRegistration(b *browser, antenna *org.Antenna, c training.CohortSummary) {
	b.t.Helper()
	b.load("courses", click(`main a[href="/courses"]`))
	b.load("registration form", click(fmt.Sprintf(`main a[href="/register?cohort=%d"]`, c.ID)))
	if got := js[string](b, `document.getElementById('f-antenna').value`); got != strconv.FormatInt(antenna.ID, 10) {
		b.t.Errorf("registering for cohort %d: antenna %q preselected, want %d (%s)", c.ID, got, antenna.ID, antenna.Name)
	}
}

// fillRegistration types and ticks p on the registration form shown, consent aside.
func fillRegistration(b *browser, p person) {
	b.t.Helper()
	b.fill(
		[2]string{"first_name", p.first},
		[2]string{"last_name", p.last},
		[2]string{"phone", p.phone},
		[2]string{"birth_year", p.year},
		[2]string{"where", p.where},
	)
	b.tick("languages", p.language)
	b.tick("french_level", p.french)
	b.tick("situations", p.situation)
	b.tick("equipment", p.equipment)
	b.tick("availabilities", p.availability)
}

const registerButton = `main form[action="/register"] button[type=submit]`

// sendRegistration submits the registration form, which must lead to the
// confirmation in lang.
func sendRegistration(b *browser, lang string) {
	b.t.Helper()
	status := b.load("registration sent", click(registerButton))
	if status != http.StatusOK || b.path() != "/register/thanks" {
		b.t.Fatalf("registering: HTTP %d on %s, want 200 on /register/thanks; page says %q", status, b.path(), b.text("main"))
	}
	if got, want := b.text("main h1"), i18n.For(lang).T("register.thanks_title"); got != want {
		b.t.Errorf("confirmation heading = %q, want %q", got, want)
	}
}

// fieldError is what a field's block shows after a refused submission.
type fieldError struct {
	Error       string `json:"error"`       // p.error#e-NAME in the field's block
	Invalid     string `json:"invalid"`     // the control's aria-invalid
	DescribedBy string `json:"describedBy"` // and its aria-describedby
}

// registrationState is the registration form as a refused submission shows it.
type registrationState struct {
	BirthYear fieldError `json:"birthYear"`
	Consent   fieldError `json:"consent"`
	Typed     []string   `json:"typed"`  // the text fields, in fillRegistration's order
	Ticked    []string   `json:"ticked"` // name=value of each ticked box, in page order
}

// registerAfterMistakes first sends the form with an impossible birth year and
// without consent: both messages must sit in their field's block, tied to the
// control for screen readers, and nothing typed or ticked may be lost. Then the
// year is corrected, consent given, and the registration goes through.
func registerAfterMistakes(b *browser, p person, lang string) {
	b.t.Helper()
	pr := i18n.For(lang)
	wrong := p
	wrong.year = "1890"
	fillRegistration(b, wrong)
	if status := b.load("registration, 1890, no consent", click(registerButton)); status != http.StatusUnprocessableEntity {
		b.t.Fatalf("birth year 1890 without consent: HTTP %d, want %d", status, http.StatusUnprocessableEntity)
	}
	if got, want := b.text("main .error-summary h2"), pr.N("form.errors", 2); got != want {
		b.t.Errorf("error summary = %q, want %q", got, want)
	}
	// The summary takes the focus and links to each wrong field, in page order.
	if got := js[[]string](b, `[...document.querySelectorAll('main .error-summary a')].map(a => a.getAttribute('href'))`); !slices.Equal(got, []string{"#f-birth_year", "#f-consent"}) {
		b.t.Errorf("error summary links = %q, want #f-birth_year and #f-consent", got)
	}
	if focused := js[bool](b, `document.activeElement === document.querySelector('main .error-summary')`); !focused {
		b.t.Error("the error summary does not have the focus")
	}
	form := js[registrationState](b, `(() => {
		const field = name => {
			const control = document.getElementById('f-' + name);
			const msg = control.closest('.field').querySelector('p.error#e-' + name);
			return {
				error: msg ? msg.textContent.trim() : '',
				invalid: control.getAttribute('aria-invalid') || '',
				describedBy: control.getAttribute('aria-describedby') || '',
			};
		};
		return {
			birthYear: field('birth_year'),
			consent: field('consent'),
			typed: ['first_name', 'last_name', 'phone', 'birth_year', 'where'].map(n => document.getElementById('f-' + n).value),
			ticked: [...document.querySelectorAll('main form input:checked')].map(i => i.name + '=' + i.value),
		};
	})()`)
	for name, got := range map[string]fieldError{"birth_year": form.BirthYear, "consent": form.Consent} {
		want := map[string]string{"birth_year": "register.birth_year_invalid", "consent": "register.consent_required"}[name]
		if got.Error != pr.T(want) {
			b.t.Errorf("%s: message %q in its block, want %q", name, got.Error, pr.T(want))
		}
		if got.Invalid != "true" || !slices.Contains(strings.Fields(got.DescribedBy), "e-"+name) {
			b.t.Errorf(`%s: aria-invalid=%q aria-describedby=%q, want "true" and e-%s`, name, got.Invalid, got.DescribedBy, name)
		}
	}
	if want := []string{p.first, p.last, p.phone, "1890", p.where}; !slices.Equal(form.Typed, want) {
		b.t.Errorf("typed values after the refusal = %q, want %q", form.Typed, want)
	}
	wantTicked := []string{"languages=" + p.language, "french_level=" + p.french, "situations=" + p.situation,
		"equipment=" + p.equipment, "availabilities=" + p.availability}
	if !slices.Equal(form.Ticked, wantTicked) {
		b.t.Errorf("ticked boxes after the refusal = %q, want %q", form.Ticked, wantTicked)
	}

	b.fill([2]string{"birth_year", p.year})
	b.tick("consent", "yes")
	sendRegistration(b, lang)
}

// findLearner is the one file with p's phone, in any antenna.
func findLearner(b *browser, p person) *learners.Learner {
	b.t.Helper()
	found, err := learners.Search(b.t.Context(), b.app.DB, auth.Scope{All: true}, []string{"FR"}, p.e164, 10)
	if err != nil {
		b.t.Fatal(err)
	}
	if len(found) != 1 {
		b.t.Fatalf("%d files with phone %s, want 1", len(found), p.e164)
	}
	return found[0]
}

// checkRegistered checks the database holds p's registration as typed, in lang, for
// the cohort, and that one SMS in lang acknowledged it. It returns the SMS text.
func checkRegistered(b *browser, p person, lang string, antenna *org.Antenna, c training.CohortSummary) string {
	b.t.Helper()
	pr := i18n.For(lang)
	l := findLearner(b, p)
	year, _ := strconv.Atoi(p.year)
	if l.FirstName != p.first || l.LastName != p.last || l.BirthYear != year || l.Where() != p.where || l.AntennaID != antenna.ID {
		b.t.Errorf("stored %s %s born %d in %q, antenna %d; want %s %s born %d in %q, antenna %d",
			l.FirstName, l.LastName, l.BirthYear, l.Where(), l.AntennaID, p.first, p.last, year, p.where, antenna.ID)
	}
	if l.Lang != lang || l.WishedCohort != c.ID || l.ConsentText != pr.T("register.consent") || !slices.Equal(l.Languages, []string{p.language}) {
		b.t.Errorf("stored lang %q, cohort %d, consent %q, languages %q; want %q, %d, %q, [%s]",
			l.Lang, l.WishedCohort, l.ConsentText, l.Languages, lang, c.ID, pr.T("register.consent"), p.language)
	}
	sent := queued(b, "sms", p.e164)
	if len(sent) != 1 {
		b.t.Fatalf("%d SMS queued, want 1 acknowledgement: %+v", len(sent), sent)
	}
	session, err := catalogue.PublicSession(b.t.Context(), b.app.DB, c.ID, time.Now())
	if err != nil {
		b.t.Fatal(err)
	}
	want := registration.AcknowledgementSMS(pr, p.first, antenna, session)
	if sent[0].Body != want {
		b.t.Errorf("SMS to %s: %q\nwant: %q", p.e164, sent[0].Body, want)
	}
	// It names the session (its days and hours) and the number that will call.
	for _, part := range []string{session.Schedule.Words(pr), antenna.Phone} {
		if !strings.Contains(strings.NewReplacer("\u2066", "", "\u2069", "").Replace(sent[0].Body), part) {
			b.t.Errorf("the SMS does not say %q: %q", part, sent[0].Body)
		}
	}
	return sent[0].Body
}

// checkMarked fails unless the radio buttons named like mark have value checked.
func checkMarked(b *browser, mark, value string) {
	b.t.Helper()
	got := js[string](b, `document.querySelector(`+jsString(mark+":checked")+`)?.value ?? ''`)
	if got != value {
		b.t.Errorf("%s: %q checked, want %q", mark, got, value)
	}
}
