package partners_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/org"
	"tremplin/internal/partners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

type fixture struct {
	d              *db.DB
	lille, rennes  int64
	staff          int64
	orgA, orgB     *partners.Org
	contactA       *partners.Contact
	adviserInLille auth.Scope
}

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d}
	for _, a := range []*org.Antenna{
		{Name: "Lille", City: "Lille", Country: "FR", Timezone: "Europe/Paris"},
		{Name: "Rennes", City: "Rennes", Country: "FR", Timezone: "Europe/Paris"},
	} {
		if err := org.SaveAntenna(ctx, d, a); err != nil {
			t.Fatal(err)
		}
		if a.Name == "Lille" {
			f.lille = a.ID
		} else {
			f.rennes = a.ID
		}
	}
	st := &auth.Staff{Name: "Karim", Email: "karim@example.org", Role: auth.Adviser, Lang: "fr", Active: true, Antennas: []int64{f.lille}}
	if err := auth.Save(ctx, d, st); err != nil {
		t.Fatal(err)
	}
	f.staff, f.adviserInLille = st.ID, st.Scope()
	f.orgA = &partners.Org{Name: "SOS migrants", Kind: "migrants_association", Antennas: []int64{f.lille}}
	f.orgB = &partners.Org{Name: "CADA de Rennes", Kind: "cada", Antennas: []int64{f.rennes}}
	for _, o := range []*partners.Org{f.orgA, f.orgB} {
		if err := partners.SaveOrg(ctx, d, o, nil); err != nil {
			t.Fatal(err)
		}
	}
	f.contactA = &partners.Contact{OrgID: f.orgA.ID, Name: "Claire", Email: "Claire@Example.org", Active: true}
	if err := partners.SaveContact(ctx, d, f.contactA); err != nil {
		t.Fatal(err)
	}
	return f
}

func person(first string, i int) *learners.Learner {
	return &learners.Learner{FirstName: first, LastName: "Test", Phone: fmt.Sprintf("+3361234%04d", i), BirthYear: 1990,
		Town: "Lille", ConsentText: "accord"}
}

func TestOrganisationsAreSeenFromTheirAntennasOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		list, err := partners.Orgs(ctx, d, f.adviserInLille, "")
		if err != nil || len(list) != 1 || list[0].Name != "SOS migrants" || list[0].AntennaNames[0] != "Lille" {
			t.Fatalf("Lille adviser's directory: %v %+v", err, list)
		}
		if _, err := partners.OrgByID(ctx, d, f.adviserInLille, f.orgB.ID); err != db.ErrNotFound {
			t.Errorf("Rennes organisation from Lille: %v", err)
		}
		// Saving with Lille as the only editable antenna keeps Rennes untouched.
		f.orgA.Antennas = []int64{f.lille, f.rennes}
		if err := partners.SaveOrg(ctx, d, f.orgA, nil); err != nil {
			t.Fatal(err)
		}
		f.orgA.Antennas = nil
		if err := partners.SaveOrg(ctx, d, f.orgA, []int64{f.lille}); err != nil {
			t.Fatal(err)
		}
		o, err := partners.OrgByID(ctx, d, auth.Scope{All: true}, f.orgA.ID)
		if err != nil || len(o.Antennas) != 1 || o.Antennas[0] != f.rennes {
			t.Errorf("after a Lille adviser unticked Lille: %v %v", err, o.Antennas)
		}
		// One email, one contact.
		dup := &partners.Contact{OrgID: f.orgB.ID, Name: "Other", Email: "claire@example.org", Active: true}
		if err := partners.SaveContact(ctx, d, dup); err != partners.ErrEmailTaken {
			t.Errorf("second contact with the same email: %v", err)
		}
	})
}

func TestOutreachNextStepsDueThisWeek(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		today := time.Now()
		add := func(o *partners.Org, due string, stage string) {
			it := &partners.Interaction{OrgID: o.ID, Kind: "call", NextStep: "Rappeler " + o.Name, DueOn: due, Stage: stage, StaffID: f.staff}
			if err := partners.AddInteraction(ctx, d, it); err != nil {
				t.Fatal(err)
			}
		}
		add(f.orgA, today.AddDate(0, 0, -3).Format(time.DateOnly), "contacted")
		add(f.orgB, today.Format(time.DateOnly), "") // another antenna: not the adviser's
		due, err := partners.DueNextSteps(ctx, d, f.adviserInLille, f.staff, partners.EndOfWeek(today))
		if err != nil || len(due) != 1 || !due[0].Overdue || due[0].OrgName != "SOS migrants" {
			t.Fatalf("due: %v %+v", err, due)
		}
		// The next interaction is what came next: the earlier step is done.
		add(f.orgA, today.AddDate(0, 0, 30).Format(time.DateOnly), "meeting")
		due, _ = partners.DueNextSteps(ctx, d, f.adviserInLille, f.staff, partners.EndOfWeek(today))
		if len(due) != 0 {
			t.Errorf("still due after the next interaction: %+v", due)
		}
		o, _ := partners.OrgByID(ctx, d, f.adviserInLille, f.orgA.ID)
		if o.Stage != "meeting" {
			t.Errorf("stage %q, want meeting", o.Stage)
		}
		if err := partners.MarkDone(ctx, d, f.adviserInLille, 999999); err != db.ErrNotFound {
			t.Errorf("marking an unknown step done: %v", err)
		}
	})
}

// A group is written whole or not at all, and each person is a learner's file
// whose status drives the referral's state, every change logged.
func TestReferralFollowsTheLearnersPath(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		bad := []*learners.Learner{person("Un", 1), person("Deux", 2), {FirstName: "Trois"}}
		bad[2].AntennaID = 0
		ref := &partners.Referral{OrgID: f.orgA.ID, ContactID: f.contactA.ID, AntennaID: 999999, Source: "partner"}
		if err := partners.CreateReferral(ctx, d, ref, bad); err == nil {
			t.Fatal("a referral to an antenna that does not exist was stored")
		}
		var n int
		d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM learners").Scan(&n)
		if n != 0 {
			t.Fatalf("%d files written by a failed referral", n)
		}
		people := []*learners.Learner{person("Awa", 1), person("Bilal", 2), person("Chloé", 3)}
		ref = &partners.Referral{OrgID: f.orgA.ID, ContactID: f.contactA.ID, AntennaID: f.lille, Source: "partner"}
		if err := partners.CreateReferral(ctx, d, ref, people); err != nil {
			t.Fatal(err)
		}
		l, err := learners.ByID(ctx, d, auth.Scope{All: true}, people[0].ID)
		if err != nil || l.Source != "referral" || l.Status != learners.Received || l.AntennaID != f.lille || l.ConsentText != "accord" {
			t.Fatalf("file of a referred person: %v %+v", err, l)
		}
		// Someone the antenna already knows (same phone, names in any case) is
		// linked to their file, with its state; a person repeated within the list
		// is flagged as registration flags duplicates.
		twins := []*learners.Learner{person("Bilal", 2), person("Dina", 7), person("Dina", 7)}
		twins[0].FirstName = "BILAL"
		refB := &partners.Referral{OrgID: f.orgB.ID, AntennaID: f.lille, Source: "import"}
		if err := partners.CreateReferral(ctx, d, refB, twins); err != nil {
			t.Fatal(err)
		}
		if twins[0].ID != people[1].ID || refB.Known != 1 || twins[1].DuplicateOf != 0 || twins[2].DuplicateOf != twins[1].ID || twins[1].ID == twins[2].ID {
			t.Errorf("known and duplicates: %d (want %d, known %d), %d→%d, %d→%d", twins[0].ID, people[1].ID, refB.Known,
				twins[1].ID, twins[1].DuplicateOf, twins[2].ID, twins[2].DuplicateOf)
		}
		var flagged int64
		d.QueryRowContext(context.Background(), "SELECT COALESCE(duplicate_of, 0) FROM learners WHERE id = $1", twins[2].ID).Scan(&flagged)
		if flagged != twins[1].ID {
			t.Errorf("stored duplicate_of %d, want %d", flagged, twins[1].ID)
		}
		var bilals int
		d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM learners WHERE first_key = 'bilal'").Scan(&bilals)
		if bilals != 1 {
			t.Errorf("%d files for Bilal, want 1", bilals)
		}
		list, _ := partners.OrgPeople(ctx, d, f.contactA, 100)
		if len(list) != 3 || list[0].State != partners.Sent {
			t.Fatalf("people: %+v", list)
		}
		if _, err := partners.OrgPerson(ctx, d, &partners.Contact{ID: f.contactA.ID, OrgID: f.orgB.ID}, list[0].ID); err != db.ErrNotFound {
			t.Errorf("another organisation reads the person: %v", err)
		}

		// Enrolled on the path: the referral follows and the contact is to be told.
		if err := learners.SetStatus(ctx, d, people[0].ID, learners.Enrolled, "", f.staff); err != nil {
			t.Fatal(err)
		}
		changed, err := partners.FollowLearner(ctx, d, people[0].ID, learners.Enrolled, f.staff)
		if err != nil || len(changed) != 1 || changed[0].State != partners.Enrolled || changed[0].Email != "claire@example.org" {
			t.Fatalf("after enrolment: %v %+v", err, changed)
		}
		// Told twice, it changes once.
		if again, _ := partners.FollowLearner(ctx, d, people[0].ID, learners.InTraining, f.staff); len(again) != 0 {
			t.Errorf("in training after enrolled changed the referral again: %+v", again)
		}
		// Not eligible is a declined referral with a coded reason, never the staff's words.
		// Bilal's two referrals, by A and by B, both follow his one file.
		changed, _ = partners.FollowLearner(ctx, d, people[1].ID, learners.NotEligible, f.staff)
		if len(changed) != 2 || changed[0].State != partners.Declined || changed[0].Reason != "not_eligible" || changed[1].State != partners.Declined {
			t.Errorf("not eligible: %+v", changed)
		}
		// Unreachable is decided on the referral, in scope only.
		pid := list[0].ID
		for _, p := range list {
			if p.LearnerID == people[2].ID {
				pid = p.ID
			}
		}
		if _, err := partners.SetState(ctx, d, auth.Scope{StaffID: -1}, pid, partners.Unreachable, "", f.staff); err != nil {
			t.Fatal(err)
		}
		if p, _ := partners.OrgPerson(ctx, d, f.contactA, pid); p.State != partners.Sent {
			t.Errorf("a staff member of no antenna changed the referral: %q", p.State)
		}
		if c, err := partners.SetState(ctx, d, f.adviserInLille, pid, partners.Unreachable, "", f.staff); err != nil || len(c) != 1 {
			t.Fatalf("unreachable: %v %+v", err, c)
		}
		events, _ := partners.Events(ctx, d, pid)
		if len(events) != 2 || events[0].State != partners.Sent || events[0].By != "Claire" || events[1].State != partners.Unreachable || events[1].By != "Karim" {
			t.Errorf("events: %+v %+v", events[0], events[len(events)-1])
		}

		// After a merge, the referral follows the file that was kept.
		other := person("Awa", 9)
		other.AntennaID, other.Source = f.lille, "web"
		if err := learners.Register(ctx, d, other, "", 0); err != nil {
			t.Fatal(err)
		}
		if err := learners.Merge(ctx, d, other.ID, people[0].ID, f.staff); err != nil {
			t.Fatal(err)
		}
		if err := learners.RecordExit(ctx, d, other.ID, learners.Completed, "", time.Now(), f.staff); err != nil {
			t.Fatal(err)
		}
		if err := learners.RecordFollowUp(ctx, d, other.ID, "m3", "cdi", "", f.staff); err != nil {
			t.Fatal(err)
		}
		if c, _ := partners.FollowLearner(ctx, d, other.ID, learners.Completed, f.staff); len(c) != 1 || c[0].State != partners.Completed {
			t.Errorf("completed after a merge: %+v", c)
		}

		figs, err := partners.OrgFigures(ctx, d, f.adviserInLille, f.orgA.ID)
		if err != nil || len(figs) != 1 {
			t.Fatalf("figures: %v %+v", err, figs)
		}
		got := *figs[0]
		got.OrgName, got.OrgID = "", 0
		want := partners.Figures{Referred: 3, Reached: 2, Enrolled: 1, Completed: 1, Positive: 1}
		if got != want {
			t.Errorf("figures %+v, want %+v", got, want)
		}
	})
}

func TestSignInLinksWorkOnceAndExpire(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		now := time.Now()
		token, err := partners.NewLink(ctx, d, f.contactA.ID, now)
		if err != nil || token == "" {
			t.Fatal(err)
		}
		var stored string
		d.QueryRowContext(context.Background(), "SELECT token_hash FROM signin_links WHERE kind = 'partner'").Scan(&stored)
		if stored == token || strings.Contains(stored, token) {
			t.Error("the token is stored as is")
		}
		if id, _ := partners.UseLink(ctx, d, token, now.Add(partners.LinkLifetime+time.Second)); id != 0 {
			t.Error("an expired link signed in")
		}
		if id, _ := partners.UseLink(ctx, d, token, now.Add(time.Minute)); id != f.contactA.ID {
			t.Errorf("fresh link: contact %d, want %d", id, f.contactA.ID)
		}
		if id, _ := partners.UseLink(ctx, d, token, now.Add(2*time.Minute)); id != 0 {
			t.Error("a link worked twice")
		}
		// A flood of requests sends a few links, then none.
		sent := 1
		for range 10 {
			if tok, _ := partners.NewLink(ctx, d, f.contactA.ID, now); tok != "" {
				sent++
			}
		}
		if sent != 5 {
			t.Errorf("%d links in an hour, want 5", sent)
		}
	})
}

// A confirmed list is written whole, once; the rows with errors never.
func TestImportBatchWritesAllValidRowsOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		sheet := partners.Parse([]byte("prénom,nom,téléphone,année,ville\nAwa,Diop,0612000001,1990,Lille\n"+
			"Bilal,Kaci,06120,1991,Lille\nChloé,Martin,0612000003,1992,Lille\n"), "FR", time.Now())
		if err := partners.FlagDuplicates(ctx, d, sheet, f.lille); err != nil {
			t.Fatal(err)
		}
		b := &partners.Batch{OrgID: f.orgA.ID, StaffID: f.staff, AntennaID: f.lille, Rows: sheet.Rows, Filename: "liste.csv"}
		if err := partners.SaveBatch(ctx, d, b); err != nil {
			t.Fatal(err)
		}
		if _, err := partners.BatchByID(ctx, d, f.staff+1, b.ID); err != db.ErrNotFound {
			t.Errorf("another staff member reads the batch: %v", err)
		}
		loaded, err := partners.BatchByID(ctx, d, f.staff, b.ID)
		if err != nil || len(loaded.Rows) != 3 || loaded.Valid() != 2 {
			t.Fatalf("batch: %v %+v", err, loaded)
		}
		ref, err := partners.ConfirmBatch(ctx, d, loaded, "accord")
		if err != nil || ref.People != 2 {
			t.Fatalf("confirm: %v %+v", err, ref)
		}
		if _, err := partners.ConfirmBatch(ctx, d, loaded, "accord"); err != partners.ErrBatchDone {
			t.Errorf("second confirmation: %v", err)
		}
		var n int
		d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM learners WHERE source = 'referral'").Scan(&n)
		if n != 2 {
			t.Errorf("%d files, want 2", n)
		}
		// The same list again: every valid row is a likely duplicate now.
		again := partners.Parse([]byte("prénom,nom,téléphone,année,ville\nAwa,Diop,0612000001,1990,Lille\n"), "FR", time.Now())
		partners.FlagDuplicates(ctx, d, again, f.lille)
		if again.Rows[0].Duplicate == 0 {
			t.Error("a person already known is not flagged")
		}
	})
}
