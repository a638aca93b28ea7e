package learners

import (
	"context"
	"slices"
	"testing"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/db/dbtest"
)

func TestMergeKeepsEveryContactAndTheChoicesMade(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		keep := f.register(t, f.lille, "Fatima Zahra", "El Amrani", "+33612345603", 1988)
		other := f.register(t, f.lille, "Fatima-Zahra", "EL AMRANI", "+33781223344", 1988)
		third := f.register(t, f.lille, "Fatima", "Amrani", "+33700000001", 1988)
		for id, email := range map[int64]string{keep.ID: "fz@example.org", other.ID: "fatima@example.org"} {
			if _, err := d.Exec(ctx, "UPDATE learners SET email = $1, languages = $2 WHERE id = $3", email, map[bool]string{true: "ar,fr", false: "ar,ti"}[id == keep.ID], id); err != nil {
				t.Fatal(err)
			}
		}
		// The likely duplicates: same name and birth year (either spelling), not another name.
		cands, err := DuplicateCandidates(ctx, d, f.lilleScope, keep, 20)
		if err != nil || len(cands) != 1 || cands[0].ID != other.ID {
			t.Fatalf("candidates: %v %v", cands, err)
		}
		if found, err := AntennaNamed(ctx, d, f.lille, keep.ID, "fat amr", 20); err != nil || len(found) != 2 {
			t.Fatalf("found by name: %d %v", len(found), err)
		}
		k, _ := ByID(ctx, d, f.lilleScope, keep.ID)
		o, _ := ByID(ctx, d, f.lilleScope, other.ID)
		if got := MergeConflicts(k, o); !slices.Equal(got, []string{"first_name", "last_name", "phone", "email", "languages"}) {
			t.Fatalf("conflicts: %v", got)
		}
		picks := map[string]string{"first_name": PickKeep, "last_name": PickKeep, "phone": PickOther, "email": PickKeep, "languages": PickOther}
		if err := MergeWith(ctx, d, keep.ID, other.ID, f.adviser.ID, picks); err != nil {
			t.Fatal(err)
		}
		k, _ = ByID(ctx, d, f.lilleScope, keep.ID)
		if k.Phone != "+33781223344" || k.Email != "fz@example.org" || k.FirstName != "Fatima Zahra" || !slices.Equal(k.Languages, []string{"ar", "ti"}) {
			t.Fatalf("kept: %+v", k)
		}
		sec, err := Secondaries(ctx, d, keep.ID)
		if err != nil || !slices.Equal(sec, []Secondary{{"phone", "+33612345603"}, {"email", "fatima@example.org"}}) {
			t.Fatalf("secondary contacts: %v %v", sec, err)
		}
		// Merging again carries the secondary contacts along; the main phone is never
		// also a secondary one.
		if err := MergeWith(ctx, d, third.ID, keep.ID, f.adviser.ID, map[string]string{"phone": PickOther}); err != nil {
			t.Fatal(err)
		}
		sec, _ = Secondaries(ctx, d, third.ID)
		if !slices.Contains(sec, Secondary{"phone", "+33612345603"}) || !slices.Contains(sec, Secondary{"phone", "+33700000001"}) ||
			slices.Contains(sec, Secondary{"phone", "+33781223344"}) || !slices.Contains(sec, Secondary{"email", "fatima@example.org"}) {
			t.Fatalf("after a second merge: %v", sec)
		}
		var history int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM learner_history WHERE learner_id = $1 AND kind = 'secondary'", third.ID).Scan(&history)
		if history != 3 {
			t.Fatalf("secondary contacts in the history: %d", history)
		}
	})
}
