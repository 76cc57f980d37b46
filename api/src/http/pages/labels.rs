//! The words of the record pages in Romanian and English: one row per
//! label, `(key, ro, en)`, enum values keyed `Enum.VALUE` as the schema
//! spells them.

use entities::enums::Language;

const LABELS: &[(&str, &str, &str)] = &[
    ("language", "Limba", "Language"),
    ("log_in", "Autentificare", "Log in"),
    ("signed_in", "Autentificat", "Signed in"),
    (
        "same_data_graphql",
        "Aceleași date prin GraphQL",
        "The same data in GraphQL",
    ),
    ("open_data", "Date deschise", "Open data"),
    ("not_found", "Pagina nu există", "Page not found"),
    (
        "not_found_text",
        "Înregistrarea nu există sau nu o puteți vedea. Dacă sunteți membru al unei organizații partenere, autentificați-vă.",
        "The record does not exist or you may not see it. If you are a member of a partner organization, log in.",
    ),
    ("initiator", "Inițiator", "Initiator"),
    ("start_date", "Data începerii", "Start date"),
    ("end_date", "Data încheierii", "End date"),
    (
        "termination_reason",
        "Motivul rezilierii",
        "Reason for termination",
    ),
    ("objectives", "Obiective", "Objectives"),
    ("parties", "Părți", "Parties"),
    ("organization", "Organizație", "Organization"),
    ("signature", "Semnătură", "Signature"),
    ("signed_on", "Semnat la", "Signed on"),
    ("declined_on", "Refuzat la", "Declined on"),
    ("not_signed", "Nesemnat încă", "Not signed yet"),
    ("documents", "Documente", "Documents"),
    ("activities", "Activități", "Activities"),
    ("agreements", "Acorduri", "Agreements"),
    ("agreement", "Acord", "Agreement"),
    ("none", "Nu există deocamdată.", "None yet."),
    ("owner", "Publicat de", "Published by"),
    ("published_on", "Data publicării", "Published on"),
    (
        "document_language",
        "Limba documentului",
        "Language of the document",
    ),
    ("tags", "Etichete", "Tags"),
    ("versions", "Versiuni", "Versions"),
    ("version", "Versiunea", "Version"),
    ("file", "Fișier", "File"),
    ("size", "Mărime", "Size"),
    ("uploaded_on", "Încărcat la", "Uploaded on"),
    ("dates", "Perioada", "Dates"),
    ("place", "Locul", "Place"),
    ("online", "Online", "Online"),
    (
        "cancellation_reason",
        "Motivul anulării",
        "Reason for cancellation",
    ),
    ("organizers", "Organizatori", "Organizers"),
    ("participation", "Participare", "Participation"),
    ("role", "Categoria", "Role"),
    ("count", "Participanți", "Participants"),
    (
        "participants_total",
        "Total participanți",
        "Participants in total",
    ),
    (
        "certificates",
        "Certificate eliberate",
        "Certificates issued",
    ),
    ("outcomes", "Rezultate", "Outcomes"),
    ("county", "județul", "county"),
    ("fiscal_code", "Cod fiscal", "Fiscal code"),
    ("website", "Site", "Website"),
    (
        "alert_settings",
        "Alertele primite prin e-mail",
        "The alerts you get by e-mail",
    ),
    (
        "alert_settings_text",
        "Alegeți pentru fiecare fel de alertă dacă o primiți imediat, în rezumatul zilnic sau deloc.",
        "Choose for each kind of alert whether you get it at once, in the daily digest, or not at all.",
    ),
    (
        "settings_saved",
        "Preferințele au fost salvate.",
        "Your choices are saved.",
    ),
    ("save", "Salvați", "Save"),
    ("invalid_link", "Link invalid", "Invalid link"),
    (
        "invalid_link_text",
        "Linkul nu este valid. Deschideți-l din cel mai recent e-mail primit de la Pactum sau autentificați-vă.",
        "This link is not valid. Open it from the latest e-mail Pactum sent you, or log in.",
    ),
    ("sign_in_needed", "Autentificați-vă", "Please log in"),
    (
        "sign_in_needed_text",
        "Pentru a vă alege alertele, deschideți linkul din e-mailurile primite de la Pactum sau autentificați-vă.",
        "To choose your alerts, open the link in an e-mail from Pactum, or log in.",
    ),
    ("invalid_choice", "Alegere invalidă", "Invalid choice"),
    (
        "invalid_choice_text",
        "Formularul conține o alegere necunoscută. Reîncărcați pagina și încercați din nou.",
        "The form holds a choice we do not know. Reload the page and try again.",
    ),
    ("try_later", "Eroare", "Error"),
    (
        "try_later_text",
        "Încercați din nou mai târziu.",
        "Please try again later.",
    ),
    (
        "NotificationKind.AGREEMENT_PROPOSED",
        "Acorduri propuse organizației",
        "Agreements proposed to your organization",
    ),
    (
        "NotificationKind.AGREEMENT_ACTIVATED",
        "Acorduri intrate în vigoare",
        "Agreements in force",
    ),
    (
        "NotificationKind.AGREEMENT_TERMINATED",
        "Acorduri reziliate",
        "Agreements terminated",
    ),
    (
        "NotificationKind.AGREEMENT_EXPIRING",
        "Acorduri care expiră",
        "Agreements about to expire",
    ),
    (
        "NotificationKind.DOCUMENT_PUBLISHED",
        "Documente noi partajate",
        "New shared documents",
    ),
    (
        "NotificationKind.ACTIVITY_SCHEDULED",
        "Activități programate",
        "Activities scheduled",
    ),
    (
        "NotificationKind.ACTIVITY_CHANGED",
        "Activități modificate",
        "Activities changed",
    ),
    (
        "NotificationKind.ACTIVITY_CANCELLED",
        "Activități anulate",
        "Activities cancelled",
    ),
    ("NotificationDelivery.IMMEDIATE", "Imediat", "At once"),
    (
        "NotificationDelivery.DAILY_DIGEST",
        "În rezumatul zilnic",
        "In the daily digest",
    ),
    ("NotificationDelivery.OFF", "Deloc", "Not at all"),
    (
        "answer_for",
        "Răspundeți în numele organizației",
        "Answer for",
    ),
    (
        "signatory",
        "Numele și funcția celui care semnează (de exemplu „Ion Popescu, primar”)",
        "Name and office of the person signing (e.g. \"Ion Popescu, mayor\")",
    ),
    ("sign", "Semnați acordul", "Sign the agreement"),
    ("decline", "Refuzați acordul", "Decline the agreement"),
    (
        "answer_refused",
        "Răspunsul nu a fost înregistrat",
        "Your answer was not recorded",
    ),
    (
        "answer_refused_text",
        "Acordul nu a fost modificat. Reîncărcați pagina acordului, autentificați-vă dacă este nevoie, și încercați din nou.",
        "The agreement is unchanged. Reload its page, log in if needed, and try again.",
    ),
    (
        "home_title",
        "Pactum: cooperare pentru integritate",
        "Pactum: cooperation for integrity",
    ),
    (
        "home_text",
        "Acordurile de cooperare dintre instituții publice și organizații neguvernamentale, ghidurile de bune practici pe care le împărtășesc și activitățile pe care le desfășoară împreună.",
        "The cooperation agreements between public institutions and NGOs, the good-practice guides they share, and the activities they run together.",
    ),
    (
        "search_label",
        "Căutați în acorduri, documente, activități și organizații",
        "Search agreements, documents, activities and organizations",
    ),
    ("search", "Căutați", "Search"),
    ("results_for", "Rezultate pentru", "Results for"),
    ("no_results", "Niciun rezultat.", "No results."),
    ("figures", "În cifre", "In figures"),
    (
        "people_trained",
        "Persoane instruite, pe ani",
        "People trained, by year",
    ),
    (
        "latest_agreements",
        "Cele mai noi acorduri",
        "Latest agreements",
    ),
    (
        "latest_documents",
        "Cele mai noi documente",
        "Latest documents",
    ),
    (
        "latest_activities",
        "Cele mai noi activități",
        "Latest activities",
    ),
    (
        "graphiql",
        "API-ul GraphQL (GraphiQL)",
        "The GraphQL API (GraphiQL)",
    ),
    ("kind.Agreement", "acord", "agreement"),
    ("kind.Document", "document", "document"),
    ("kind.Activity", "activitate", "activity"),
    ("kind.Organization", "organizație", "organization"),
    ("AgreementStatus.DRAFT", "Ciornă", "Draft"),
    ("AgreementStatus.PROPOSED", "Propus", "Proposed"),
    ("AgreementStatus.ACTIVE", "În vigoare", "In force"),
    ("AgreementStatus.EXPIRED", "Expirat", "Expired"),
    ("AgreementStatus.TERMINATED", "Reziliat", "Terminated"),
    ("AgreementStatus.DECLINED", "Refuzat", "Declined"),
    ("AgreementStatus.WITHDRAWN", "Retras", "Withdrawn"),
    (
        "AgreementKind.COOPERATION",
        "Acord de cooperare",
        "Cooperation agreement",
    ),
    (
        "AgreementKind.PARTNERSHIP",
        "Acord de parteneriat",
        "Partnership agreement",
    ),
    (
        "AgreementKind.PROTOCOL",
        "Protocol de colaborare",
        "Collaboration protocol",
    ),
    (
        "AgreementKind.MEMORANDUM",
        "Memorandum de înțelegere",
        "Memorandum of understanding",
    ),
    (
        "DocumentKind.GOOD_PRACTICE_GUIDE",
        "Ghid de bune practici",
        "Good-practice guide",
    ),
    ("DocumentKind.PROCEDURE", "Procedură", "Procedure"),
    ("DocumentKind.STRATEGY", "Strategie", "Strategy"),
    (
        "DocumentKind.RISK_ANALYSIS",
        "Analiză de risc",
        "Risk analysis",
    ),
    (
        "DocumentKind.SURVEY_REPORT",
        "Raport de sondaj",
        "Survey report",
    ),
    (
        "DocumentKind.TRAINING_MATERIAL",
        "Material de instruire",
        "Training material",
    ),
    ("DocumentKind.CODE_OF_ETHICS", "Cod etic", "Code of ethics"),
    ("DocumentKind.REPORT", "Raport", "Report"),
    ("DocumentKind.OTHER", "Alt document", "Other document"),
    ("ActivityKind.WORKSHOP", "Atelier", "Workshop"),
    (
        "ActivityKind.TRAINING_COURSE",
        "Curs de instruire",
        "Training course",
    ),
    (
        "ActivityKind.AWARENESS_CAMPAIGN",
        "Campanie de informare",
        "Awareness campaign",
    ),
    ("ActivityKind.CONFERENCE", "Conferință", "Conference"),
    ("ActivityKind.SURVEY", "Sondaj", "Survey"),
    ("ActivityKind.AUDIT", "Audit", "Audit"),
    ("ActivityKind.MEETING", "Întâlnire", "Meeting"),
    ("ActivityKind.OTHER", "Altă activitate", "Other activity"),
    ("ActivityStatus.PLANNED", "Programată", "Planned"),
    ("ActivityStatus.COMPLETED", "Încheiată", "Completed"),
    ("ActivityStatus.CANCELLED", "Anulată", "Cancelled"),
    ("Visibility.PUBLIC", "Public", "Public"),
    (
        "Visibility.PARTNERS",
        "Doar pentru parteneri",
        "Partners only",
    ),
    ("Visibility.PRIVATE", "Privat", "Private"),
    ("OrganizationKind.MUNICIPALITY", "Primărie", "Municipality"),
    (
        "OrganizationKind.COUNTY_COUNCIL",
        "Consiliu județean",
        "County council",
    ),
    (
        "OrganizationKind.CENTRAL_INSTITUTION",
        "Instituție centrală",
        "Central institution",
    ),
    (
        "OrganizationKind.NGO",
        "Organizație neguvernamentală",
        "NGO",
    ),
    (
        "OrganizationKind.OTHER_PUBLIC_BODY",
        "Altă instituție publică",
        "Other public body",
    ),
    (
        "ParticipantRole.ELECTED_OFFICIAL",
        "Aleși locali",
        "Elected officials",
    ),
    (
        "ParticipantRole.CIVIL_SERVANT",
        "Funcționari publici",
        "Civil servants",
    ),
    ("ParticipantRole.TRAINER", "Formatori", "Trainers"),
    (
        "ParticipantRole.NGO_REPRESENTATIVE",
        "Reprezentanți ONG",
        "NGO representatives",
    ),
    ("ParticipantRole.CITIZEN", "Cetățeni", "Citizens"),
    (
        "ParticipantRole.OTHER",
        "Alți participanți",
        "Other participants",
    ),
];

/// The label `key` in `language`; the key itself when there is none, so a
/// missing label shows rather than breaks the page (a test keeps the
/// enums covered).
pub fn label(key: &str, language: Language) -> &str {
    LABELS
        .iter()
        .find(|(k, ..)| *k == key)
        .map_or(key, |(_, ro, en)| match language {
            Language::Ro => ro,
            Language::En => en,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_written_once() {
        let mut keys: Vec<_> = LABELS.iter().map(|(k, ..)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len());
    }

    #[test]
    fn every_value_of_the_enums_a_page_shows_has_a_label() {
        let schema = include_str!("../../../../schema.graphql");
        for name in [
            "AgreementStatus",
            "AgreementKind",
            "DocumentKind",
            "ActivityKind",
            "ActivityStatus",
            "Visibility",
            "OrganizationKind",
            "ParticipantRole",
            "NotificationKind",
            "NotificationDelivery",
        ] {
            let start = schema
                .find(&format!("enum {name} {{"))
                .unwrap_or_else(|| panic!("enum {name} in the schema"));
            let body = &schema[start..start + schema[start..].find('}').unwrap_or(0)];
            let values: Vec<&str> = body
                .lines()
                .skip(1)
                .map(str::trim)
                .filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
                .collect();
            assert!(!values.is_empty(), "{name} has values");
            for value in values {
                let key = format!("{name}.{value}");
                assert_ne!(label(&key, Language::Ro), key, "no label for {key}");
                assert_ne!(label(&key, Language::En), key, "no label for {key}");
            }
        }
    }
}
