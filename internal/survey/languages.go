package survey

import (
	"slices"
	"strconv"
)

// LanguageInfo is a language a questionnaire may be written in: its code
// (BCP 47, as the page's lang attribute takes it), its name in itself,
// and whether its script runs right to left.
type LanguageInfo struct {
	Code string
	Name string
	RTL  bool
}

// Languages are those a questionnaire may be answered in: the interface's
// four, then those newcomers to Scandinavian municipalities speak most.
var Languages = []LanguageInfo{
	{Code: "nb", Name: "Norsk bokmål"},
	{Code: "sv", Name: "Svenska"},
	{Code: "da", Name: "Dansk"},
	{Code: "en", Name: "English"},
	{Code: "nn", Name: "Norsk nynorsk"},
	{Code: "ar", Name: "العربية", RTL: true},
	{Code: "ti", Name: "ትግርኛ"},
	{Code: "prs", Name: "دری", RTL: true},
	{Code: "fa", Name: "فارسی", RTL: true},
	{Code: "ps", Name: "پښتو", RTL: true},
	{Code: "ckb", Name: "کوردیی ناوەندی", RTL: true},
	{Code: "kmr", Name: "Kurmancî"},
	{Code: "ur", Name: "اردو", RTL: true},
	{Code: "so", Name: "Soomaali"},
	{Code: "am", Name: "አማርኛ"},
	{Code: "uk", Name: "Українська"},
	{Code: "ru", Name: "Русский"},
	{Code: "pl", Name: "Polski"},
	{Code: "ro", Name: "Română"},
	{Code: "es", Name: "Español"},
	{Code: "fr", Name: "Français"},
	{Code: "tr", Name: "Türkçe"},
	{Code: "my", Name: "မြန်မာဘာသာ"},
	{Code: "th", Name: "ไทย"},
}

// interfaceLanguages are those the interface itself speaks.
var interfaceLanguages = []string{"nb", "sv", "da", "en"}

// Interface reports whether lang is one of the interface's languages,
// whose respondent texts fall back to the interface catalogues.
func Interface(lang string) bool { return slices.Contains(interfaceLanguages, lang) }

// LanguageOf answers the language with code.
func LanguageOf(code string) (LanguageInfo, bool) {
	for _, l := range Languages {
		if l.Code == code {
			return l, true
		}
	}
	return LanguageInfo{}, false
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
