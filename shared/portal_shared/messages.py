"""Messages shown to people, by message code: (Polish, English).

Services answer with codes (`pesel.invalid`); the gateway translates them by the request's
`Accept-Language`. Codes every service may use are here; each contract module adds its own
as `MESSAGES`. marshmallow's built-in English messages are keys here too.
"""

COMMON_MESSAGES: dict[str, tuple[str, str]] = {
    "validation_failed": ("Formularz zawiera błędy.", "The form has errors."),
    "unauthorized": ("Zaloguj się, aby kontynuować.", "Please sign in to continue."),
    "forbidden": ("Brak uprawnień do tej operacji.", "You are not allowed to do this."),
    "not_found": ("Nie znaleziono.", "Not found."),
    "conflict": ("Operacja koliduje z bieżącym stanem.", "This conflicts with the current state."),
    "too_many_attempts": ("Zbyt wiele prób. Spróbuj ponownie później.",
                          "Too many attempts. Please try again later."),
    "service_unavailable": ("Usługa jest chwilowo niedostępna. Spróbuj ponownie za chwilę.",
                            "The service is temporarily unavailable. Please try again shortly."),
    "internal_error": ("Wystąpił nieoczekiwany błąd.", "An unexpected error occurred."),
    "body.not_json": ("Treść żądania musi być obiektem JSON.", "The request body must be a JSON object."),
    "Missing data for required field.": ("To pole jest wymagane.", "This field is required."),
    "Unknown field.": ("Nieznane pole.", "Unknown field."),
    "Not a valid string.": ("Nieprawidłowy tekst.", "Not a valid string."),
    "Not a valid email address.": ("Nieprawidłowy adres e-mail.", "Not a valid e-mail address."),
    "Not a valid boolean.": ("Nieprawidłowa wartość logiczna.", "Not a valid boolean."),
    "Not a valid UUID.": ("Nieprawidłowy identyfikator.", "Not a valid identifier."),
    "Field may not be null.": ("To pole nie może być puste.", "This field may not be empty."),
    "Invalid input type.": ("Nieprawidłowy typ danych.", "Invalid input type."),
    "Invalid value.": ("Nieprawidłowa wartość.", "Invalid value."),
    "pesel.invalid": ("Nieprawidłowy numer PESEL.", "Not a valid PESEL number."),
    "subject.invalid": ("Nieprawidłowy PESEL lub NIP: PESEL ma 11 cyfr, NIP 10.",
                        "Invalid PESEL or NIP: a PESEL has 11 digits, a NIP 10."),
    "nip.invalid": ("Nieprawidłowy numer NIP.", "Not a valid NIP number."),
    "nrb.invalid": ("Nieprawidłowy numer rachunku.", "Not a valid account number."),
    "postal_code.invalid": ("Kod pocztowy ma format NN-NNN.", "The postal code must look like NN-NNN."),
    "phone.invalid": ("Podaj polski numer telefonu komórkowego (+48 i 9 cyfr).",
                      "Enter a Polish mobile number (+48 and 9 digits)."),
    "text.invalid_characters": ("Tekst zawiera niedozwolone znaki sterujące.",
                                "The text contains forbidden control characters."),
    "level.authenticated_required": (
        "Ta usługa wymaga uwierzytelnionego konta (profil zaufany, podpis kwalifikowany lub "
        "wizyta w urzędzie).",
        "This service needs an authenticated account (trusted profile, qualified signature or "
        "a visit to the tax office)."),
    "xml.too_large": ("Plik XML jest zbyt duży.", "The XML file is too large."),
    "xml.dtd_forbidden": ("Plik XML nie może zawierać deklaracji DTD ani encji.",
                          "The XML file may not contain a DTD or entity declarations."),
    "xml.malformed": ("Plik XML jest uszkodzony.", "The XML file is not well-formed."),
    "upload.empty": ("Plik jest pusty.", "The file is empty."),
    "upload.too_large": ("Plik jest zbyt duży.", "The file is too large."),
    "upload.wrong_type": ("Niedozwolony rodzaj pliku.", "This kind of file is not accepted."),
    "upload.name_does_not_match_content": ("Rozszerzenie nazwy pliku nie odpowiada jego zawartości.",
                                           "The file name's extension does not match its content."),
    "upload.archive_damaged": ("Archiwum jest uszkodzone.", "The archive is damaged."),
    "upload.archive_too_many_files": ("Archiwum zawiera zbyt wiele plików.",
                                      "The archive has too many files."),
    "upload.archive_too_large_unpacked": ("Archiwum po rozpakowaniu byłoby zbyt duże.",
                                          "The archive would be too large unpacked."),
    "upload.archive_unsafe_path": ("Archiwum zawiera niedozwolone ścieżki plików.",
                                   "The archive contains unsafe file paths."),
    "upload.archive_nested": ("Archiwum nie może zawierać innych archiwów.",
                              "The archive may not contain other archives."),
    "role.required": ("Ta operacja wymaga innej roli pracownika.", "This action needs another staff role."),
    "caller.not_verified": ("Najpierw potwierdź tożsamość rozmówcy (telefon i telePIN) albo wybierz mocodawcę, "
                            "za którego rozmówca może pytać.",
                            "Identify the caller first (phone and telePIN), or pick a principal they may ask for."),
}
