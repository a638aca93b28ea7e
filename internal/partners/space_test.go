package partners_test

import (
	"context"
	"testing"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/partners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

// A person the antenna already follows, referred again (by phone, or by name and
// birth year), is linked to their file: no second file, and the partner sees the
// state the person really is in.
func TestReferringSomeoneKnownLinksToTheirFile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		known := &learners.Learner{AntennaID: f.lille, FirstName: "Fatima Zahra", LastName: "El Amrani", Phone: "+33612340001",
			BirthYear: 1988, Town: "Lille", ConsentText: "accord"}
		if err := learners.Register(ctx, d, known, "", 0); err != nil {
			t.Fatal(err)
		}
		if err := learners.SetStatus(ctx, d, known.ID, learners.Enrolled, "", f.staff); err != nil {
			t.Fatal(err)
		}
		byPhone := &learners.Learner{FirstName: "Fatima", LastName: "Amrani", Phone: "+33612340001", BirthYear: 1990, Town: "Lille", ConsentText: "accord"}
		byName := &learners.Learner{FirstName: "EL AMRANI", LastName: "fatima zahra", Phone: "+33699999999", BirthYear: 1988, Town: "Lille", ConsentText: "accord"}
		stranger := person("Nouvelle", 40)
		ref := &partners.Referral{OrgID: f.orgA.ID, ContactID: f.contactA.ID, AntennaID: f.lille, Source: "partner"}
		if err := partners.CreateReferral(ctx, d, ref, []*learners.Learner{byPhone, byName, stranger}); err != nil {
			t.Fatal(err)
		}
		if byPhone.ID != known.ID || byName.ID != known.ID || stranger.ID == known.ID || ref.Known != 2 {
			t.Fatalf("linked to %d and %d (want %d), new %d, known %d", byPhone.ID, byName.ID, known.ID, stranger.ID, ref.Known)
		}
		var files int
		d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM learners WHERE antenna_id = $1", f.lille).Scan(&files)
		if files != 2 {
			t.Errorf("%d files in the antenna, want 2", files)
		}
		people, _ := partners.People(ctx, d, ref.ID)
		if len(people) != 3 || people[0].State != partners.Enrolled || !people[0].Known || people[0].Duplicate ||
			people[2].State != partners.Sent || people[2].Known {
			t.Fatalf("people: %+v %+v %+v", people[0], people[1], people[2])
		}
		// Another antenna's file is not theirs to link.
		elsewhere := &learners.Learner{FirstName: "Fatima Zahra", LastName: "El Amrani", Phone: "+33612340001", BirthYear: 1988,
			Town: "Rennes", ConsentText: "accord"}
		if err := partners.CreateReferral(ctx, d, &partners.Referral{OrgID: f.orgB.ID, AntennaID: f.rennes, Source: "import"},
			[]*learners.Learner{elsewhere}); err != nil {
			t.Fatal(err)
		}
		if elsewhere.ID == known.ID {
			t.Error("a referral to Rennes was linked to a Lille file")
		}
		// The path goes on: both referrals of the file follow it.
		if err := learners.SetStatus(ctx, d, known.ID, learners.Dropped, "", f.staff); err != nil {
			t.Fatal(err)
		}
		changed, err := partners.FollowLearner(ctx, d, known.ID, learners.Dropped, f.staff)
		if err != nil || len(changed) != 2 {
			t.Errorf("after dropping out: %v %d changed, want 2", err, len(changed))
		}
	})
}

// What a partner does with their people: count them by state, leave notes (once,
// however often sent), correct a phone (logged on the file), withdraw a referral
// (the file stays, the referral no longer follows it).
func TestPartnerNotesPhoneAndWithdrawal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		people := []*learners.Learner{person("Awa", 1), person("Bilal", 2), person("Chloé", 3)}
		ref := &partners.Referral{OrgID: f.orgA.ID, ContactID: f.contactA.ID, AntennaID: f.lille, Source: "partner"}
		if err := partners.CreateReferral(ctx, d, ref, people); err != nil {
			t.Fatal(err)
		}
		list, _ := partners.People(ctx, d, ref.ID)
		awa, bilal := list[0], list[1]

		n := &partners.Note{PersonID: awa.ID, ContactID: f.contactA.ID, Language: "dari", Interpreter: true, Body: "Pas le mercredi."}
		for range 2 {
			copy := *n
			if err := partners.AddNote(ctx, d, &copy); err != nil {
				t.Fatal(err)
			}
		}
		notes, _ := partners.Notes(ctx, d, awa.ID, bilal.ID)
		if len(notes) != 1 || notes[0].ContactName != "Claire" || !notes[0].Interpreter || notes[0].Language != "dari" {
			t.Errorf("notes after a double send: %+v", notes)
		}

		c, _ := partners.ContactByID(ctx, d, f.contactA.ID)
		if ok, err := partners.CorrectPhone(ctx, d, awa, c, "12"); ok || err != nil {
			t.Errorf("a wrong number was taken: %v %v", ok, err)
		}
		if ok, err := partners.CorrectPhone(ctx, d, awa, c, "07 81 22 33 44"); !ok || err != nil {
			t.Fatalf("correcting: %v %v", ok, err)
		}
		l, _ := learners.ByID(ctx, d, auth.Scope{All: true}, people[0].ID)
		if l.Phone != "+33781223344" {
			t.Errorf("phone %q", l.Phone)
		}
		events, _ := learners.Timeline(ctx, d, l.ID)
		if last := events[0]; last.Kind != "partner_phone" || last.Detail != "Claire (SOS migrants)" {
			t.Errorf("the file's history: %+v", last)
		}

		if err := partners.Withdraw(ctx, d, &partners.Contact{ID: f.contactA.ID, OrgID: f.orgB.ID}, bilal.ID, "moved"); err != db.ErrNotFound {
			t.Errorf("another organisation withdrew: %v", err)
		}
		for range 2 {
			if err := partners.Withdraw(ctx, d, f.contactA, bilal.ID, "moved"); err != nil {
				t.Fatal(err)
			}
		}
		ev, _ := partners.Events(ctx, d, bilal.ID)
		if len(ev) != 2 || ev[1].State != partners.Withdrawn || ev[1].Reason != "moved" || ev[1].By != "Claire" {
			t.Errorf("withdrawal events: %d %+v", len(ev), ev[len(ev)-1])
		}
		if err := learners.SetStatus(ctx, d, people[1].ID, learners.Enrolled, "", f.staff); err != nil {
			t.Fatal(err)
		}
		if changed, _ := partners.FollowLearner(ctx, d, people[1].ID, learners.Enrolled, f.staff); len(changed) != 0 {
			t.Errorf("a withdrawn referral followed the file: %+v", changed)
		}
		if _, err := learners.ByID(ctx, d, auth.Scope{All: true}, people[1].ID); err != nil {
			t.Errorf("the file of a withdrawn referral: %v", err)
		}

		counts, err := partners.OrgStateCounts(ctx, d, f.contactA)
		if err != nil || counts.Total != 3 || counts.By[partners.Sent] != 2 || counts.By[partners.Withdrawn] != 1 {
			t.Errorf("counts: %v %+v", err, counts)
		}
		page, _ := partners.OrgPeoplePage(ctx, d, f.contactA, partners.Withdrawn, 0, 10)
		if len(page) != 1 || page[0].ID != bilal.ID {
			t.Errorf("withdrawn people: %+v", page)
		}
		page, _ = partners.OrgPeoplePage(ctx, d, f.contactA, "", 2, 10)
		if len(page) != 1 {
			t.Errorf("the second page of 2: %d people", len(page))
		}
	})
}

// In the preview staff leave rows out (a repeated line is left out to begin
// with); the confirmation writes only the kept rows, and links the known ones.
func TestImportWritesOnlyKeptRowsAndLinksKnownPeople(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		known := &learners.Learner{AntennaID: f.lille, FirstName: "Awa", LastName: "Diop", Phone: "+33612000001", BirthYear: 1990,
			Town: "Lille", ConsentText: "accord"}
		if err := learners.Register(ctx, d, known, "", 0); err != nil {
			t.Fatal(err)
		}
		sheet := partners.Parse([]byte("prénom,nom,téléphone,année,code postal ou ville\n"+
			"Awa,Diop,0612000001,1990,Lille\n"+ // line 2: known
			"Bilal,Kaci,0612000002,1991,59000 Lille\n"+ // line 3
			"Chloé,Martin,0612000003,1992,Roubaix\n"+ // line 4: left out by staff
			"Bilal,Kaci,0612000002,1991,59000\n"), "FR", time.Now()) // line 5: repeats line 3
		if sheet.FileError != "" {
			t.Fatalf("a 'code postal ou ville' column: %s %v", sheet.FileError, sheet.Missing)
		}
		if err := partners.FlagDuplicates(ctx, d, sheet, f.lille); err != nil {
			t.Fatal(err)
		}
		b := &partners.Batch{OrgID: f.orgA.ID, StaffID: f.staff, AntennaID: f.lille, Rows: sheet.Rows, Filename: "liste.csv"}
		if err := partners.SaveBatch(ctx, d, b); err != nil {
			t.Fatal(err)
		}
		if b.Rows[0].Duplicate != known.ID || !b.Rows[3].Excluded || b.Kept() != 3 {
			t.Fatalf("known %d, repeated line left out %v, kept %d", b.Rows[0].Duplicate, b.Rows[3].Excluded, b.Kept())
		}
		if b.Rows[2].Town != "Roubaix" || b.Rows[1].Postcode != "59000" {
			t.Errorf("where: %q %q", b.Rows[2].Where(), b.Rows[1].Where())
		}
		if err := partners.SetKept(ctx, d, b, []int{2, 3, 4, 5}, []int{2, 3}); err != nil {
			t.Fatal(err)
		}
		loaded, _ := partners.BatchByID(ctx, d, f.staff, b.ID)
		if loaded.Kept() != 2 {
			t.Fatalf("kept after the choice: %d", loaded.Kept())
		}
		ref, err := partners.ConfirmBatch(ctx, d, loaded, "accord")
		if err != nil || ref.People != 2 || ref.Known != 1 {
			t.Fatalf("confirm: %v %+v", err, ref)
		}
		var files, martins int
		d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM learners").Scan(&files)
		d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM learners WHERE last_name = 'Martin'").Scan(&martins)
		if files != 2 || martins != 0 {
			t.Errorf("%d files (want Awa's and Bilal's), %d for the row left out", files, martins)
		}
		if err := partners.SetKept(ctx, d, loaded, []int{4}, []int{4}); err != partners.ErrBatchDone {
			t.Errorf("choices changed after confirming: %v", err)
		}
	})
}
