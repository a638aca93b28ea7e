package demo

import (
	"context"

	"tremplin/internal/opendata"
	"tremplin/internal/platform/db"
)

// association is the demo association's identity, published in the open data.
var association = opendata.Association{
	Name:    "Tremplin Numérique (démo)",
	RNA:     "W595012346",
	Website: "https://tremplin.example",
	Email:   "contact@tremplin.example",
	Phone:   "+33140000000",
	Description: "Association de démonstration : elle forme gratuitement au numérique les personnes qui en sont éloignées " +
		"(bénéficiaires du RSA, jeunes sans diplôme, habitants des quartiers prioritaires, personnes exilées).",
	Networks: []string{"konexio"},
}

// seedOpenData fills in the association's identity once; an admin's edits stay.
func seedOpenData(ctx context.Context, d *db.DB) error {
	a, err := opendata.LoadAssociation(ctx, d)
	if err != nil || a.Name != "" {
		return err
	}
	return opendata.SaveAssociation(ctx, d, &association)
}
