# ruff: noqa: E501  (the raw UNODC drug names are kept whole, as published)
"""The drugs the reports name, and what each table calls them.

One vocabulary for every table:

- :data:`UNODC_NAMES`: every raw UNODC drug name on file (``unodc_seizures.drug``,
  ``drug_prices.drug``) -> its drug class, form (cocaine hydrochloride, base/paste or crack;
  methamphetamine powder or tablets) and whether the row is a total of other rows;
- :data:`CBP_NAMES`, :data:`DEATHS_NAMES`, :data:`NFLIS_NAMES`: the same for CBP's drug types
  (``cbp_seizures_monthly``, ``amo_seizures_monthly``), CDC's overdose-death categories
  (``us_overdose_deaths``) and the NFLIS category (``nflis_reports``);
- :data:`SPECIFIC_DRUG_NAMES`, :data:`VSRR_INDICATOR_NAMES`, :data:`WONDER_CAUSE_CODES`: the raw
  drug names of the fentanyl-era death tables (``overdose_deaths_12m_by_drug``,
  ``overdose_deaths_12m_by_state``, ``overdose_deaths_monthly_by_state``);
- :data:`PRECURSOR_NAMES`: UNODC's precursor chemicals -> the chemical (``domain.precursors``);
- :data:`DRUGS`: one entry per report drug (the lower-case names users pass as ``drug``) with its
  codes in each table and the stage where it is produced for the US market.

``tests/test_drugs.py`` enumerates every distinct raw name in the processed tables and fails on a
name missing here, so a new vintage with a new name fails loudly instead of dropping rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from drugflows import params


@dataclass(frozen=True)
class RawName:
    """What one raw drug name holds: its drug class, its form (None: the class has one form or the
    name does not say) and whether it is a total of other rows (never added to them)."""

    drug_class: str
    form: str | None = None
    total: bool = False


#: Every raw UNODC drug name on file -> class, form, total. Classes: the report drugs' classes plus
#: coca_leaf, opium, amphetamine, ats_unspecified (amphetamine-type stimulants not split into
#: amphetamine and methamphetamine), reported_total (a total across a whole group of drugs, e.g.
#: all amphetamine-type stimulants) and other. MDMA and MDA are ecstasy-type substances (UNODC),
#: not methamphetamine; "Yaba" is methamphetamine tablets; "Captagon" is amphetamine tablets
#: (UNODC: the captagon seized today is mostly amphetamine, rarely the original fenethylline).
UNODC_NAMES = {
    '"Captagon"': RawName("amphetamine", "tablets", False),
    "Amphetamine": RawName("amphetamine", "unspecified", False),
    "Amphetamine powder": RawName("amphetamine", "powder", False),
    "Amphetamine tablets": RawName("amphetamine", "tablets", False),
    "Dextroamphetamine (Dexedrine)": RawName("amphetamine", "unspecified", False),
    "Amphetamine-type stimulants": RawName("ats_unspecified", None, False),
    "Non-specified amphetamine-type stimulants": RawName("ats_unspecified", None, False),
    "Non-specified ATS": RawName("ats_unspecified", None, False),
    "Cannabis herb (marijuana)": RawName("cannabis_herb", None, False),
    "Marijuana (herb)": RawName("cannabis_herb", None, False),
    "Cannabis oil": RawName("cannabis_other", None, False),
    "Cannabis plants": RawName("cannabis_other", None, False),
    "Cannabis seed": RawName("cannabis_other", None, False),
    "Cannabis-type": RawName("cannabis_other", None, False),
    "Cannabis-type drugs": RawName("cannabis_other", None, False),
    "Cannabis/hashish oil": RawName("cannabis_other", None, False),
    "Non-specified cannabis-type": RawName("cannabis_other", None, False),
    "Other types of cannabis": RawName("cannabis_other", None, False),
    "Cannabis resin (hashish)": RawName("cannabis_resin", None, False),
    "Hashish (resin)": RawName("cannabis_resin", None, False),
    "Coca bush": RawName("coca_leaf", None, False),
    "Coca leaf": RawName("coca_leaf", None, False),
    "Coca seed": RawName("coca_leaf", None, False),
    '"Crack" cocaine': RawName("cocaine", "crack", False),
    "Coca paste/cocaine base": RawName("cocaine", "base_paste", False),
    "Coca paste/refined cocaine base (intermediate products) (please specify)": RawName(
        "cocaine", "base_paste", False
    ),
    "Cocaine (base, paste and salts)": RawName("cocaine", "unspecified", False),
    "Cocaine (salt and crack)": RawName("cocaine", "unspecified", False),
    "Cocaine (total of the above, including if unspecified/undistinguished, but excluding coca leaf and coca bush)": RawName(
        "cocaine", None, True
    ),
    "Cocaine hydrochloride": RawName("cocaine", "hydrochloride", False),
    "Cocaine salts": RawName("cocaine", "hydrochloride", False),
    "Cocaine-type drugs": RawName("cocaine", "unspecified", False),
    "Crack": RawName("cocaine", "crack", False),
    "Non-specified coca/cocaine type": RawName("cocaine", "unspecified", False),
    "Non-specified cocaine": RawName("cocaine", "unspecified", False),
    "Other coca/cocaine type": RawName("cocaine", "unspecified", False),
    "Other coca/cocaine-type drugs": RawName("cocaine", "unspecified", False),
    "Other smokable forms of cocaine (consumer products such as basuco, merla, paco, pasta base, etc.) (please specify)": RawName(
        "cocaine", "base_paste", False
    ),
    "“Crack” cocaine": RawName("cocaine", "crack", False),
    "3,4-methylenedioxymethamphetamine (MDMA)": RawName("ecstasy", None, False),
    "Ecstasy-type substances": RawName("ecstasy", None, False),
    "MDMA": RawName("ecstasy", None, False),
    "Non-specified “ecstasy”-type substances": RawName("ecstasy", None, False),
    "Tenamfetamine (MDA)": RawName("ecstasy", None, False),
    'Total "ecstasy"-type substances (including the above, all other substances of this type and any unspecified/undistinguished quantities of substances of this type)': RawName(
        "ecstasy", None, True
    ),
    "“Ecstasy”-type substances": RawName("ecstasy", None, False),
    "3-Methylfentanyl (3-MF, mefentanyl)": RawName("fentanyl", None, False),
    "Fentanyl": RawName("fentanyl", None, False),
    "Heroin": RawName("heroin", None, False),
    "Methamphetamine": RawName("methamphetamine", "unspecified", False),
    "Methamphetamine powder": RawName("methamphetamine", "powder", False),
    "Methamphetamine tablets": RawName("methamphetamine", "tablets", False),
    "“Yaba”": RawName("methamphetamine", "tablets", False),
    "Opium": RawName("opium", None, False),
    "2,5-Dimethoxy-4-chloroamphetamine (DOC)": RawName("other", None, False),
    "25B-NBOMe (2C-B-NBOMe)": RawName("other", None, False),
    "25C-NBOMe (NBOMe-2C-C, 2C-C-NBOMe, Cimbi-82)": RawName("other", None, False),
    "2C (psychedelics)": RawName("other", None, False),
    "3,4-Methylenedioxyphenyl": RawName("other", None, False),
    "3,4-Methylenedioxyphenyl-2-propanone (3,4-MDP-2-P, PMK)": RawName("other", None, False),
    "3,4-Methylenedioxypyrovalerone (MDPV)": RawName("other", None, False),
    "3-Fluoroethamphetamine (3-FEA)": RawName("other", None, False),
    "4-bromo-2,5-dimethoxyphenethylamine (2C-B)": RawName("other", None, False),
    "4-Fluoroamphetamine (4-FA)": RawName("other", None, False),
    "4-Fluoroethamphetamine": RawName("other", None, False),
    "4-Fluoromethamphetamine\xa0(4-FMA)": RawName("other", None, False),
    "4-MA (4-methylamphetamine)": RawName("other", None, False),
    "4-MEC": RawName("other", None, False),
    "AB-FUBINACA": RawName("other", None, False),
    "Acetic anhydride": RawName("other", None, False),
    "Acetone": RawName("other", None, False),
    "Acetylated opium": RawName("other", None, False),
    "ADB-CHMINACA": RawName("other", None, False),
    "Adderall": RawName("other", None, False),
    "Alcohol": RawName("other", None, False),
    "Alpha-PHpP (PV8)": RawName("other", None, False),
    "Alpha-Pyrrolidinohexiophenone (alpha-PHP)": RawName("other", None, False),
    "Alprazolam (Xanax, Pranax, Ksalol)": RawName("other", None, False),
    "Aminoindanes": RawName("other", None, False),
    "Anabolic steroids": RawName("other", None, False),
    "Ayahuasca": RawName("other", None, False),
    "Barbiturates": RawName("other", None, False),
    "Benzodiazepines": RawName("other", None, False),
    "Brolamfetamine (DOB, dimethoxybromoamphetamine, bromo-DMA)": RawName("other", None, False),
    "Bromazepam": RawName("other", None, False),
    "Buprenorphine": RawName("other", None, False),
    "Caffeine": RawName("other", None, False),
    "Carfentanil": RawName("other", None, False),
    "Cathinone": RawName("other", None, False),
    "Chlordiazepoxide": RawName("other", None, False),
    "Clonazepam (Rivotril)": RawName("other", None, False),
    "Codeine": RawName("other", None, False),
    "Desomorphine": RawName("other", None, False),
    "Dexamfetamine": RawName("other", None, False),
    "Diazepam": RawName("other", None, False),
    "Diazepam (Stesolid)": RawName("other", None, False),
    "Dimethyltryptamine (DMT)": RawName("other", None, False),
    "Ephedrine": RawName("other", None, False),
    "Estazolam (desmethylalprazolam)": RawName("other", None, False),
    "Flunitrazepam (Disomnilan, Flumipam, Rohypnol)": RawName("other", None, False),
    "Gamma-Butyrolactone (GBL)": RawName("other", None, False),
    "Gamma-Hydroxybutyric acid (GHB)": RawName("other", None, False),
    "GBL": RawName("other", None, False),
    "GHB": RawName("other", None, False),
    "Hallucinogens": RawName("other", None, False),
    "Hydrochloric acid": RawName("other", None, False),
    "Hydrocodone": RawName("other", None, False),
    "Illicit morphine": RawName("other", None, False),
    "JWH-018": RawName("other", None, False),
    "JWH-210": RawName("other", None, False),
    "Ketamine and phencyclidine-type substances": RawName("other", None, False),
    "Khat": RawName("other", None, False),
    "Kratom (Mitragyna speciosa)": RawName("other", None, False),
    "Lorazepam (Ativan, Temesta)": RawName("other", None, False),
    "LSD": RawName("other", None, False),
    "Lysergic acid diethylamide (LSD)": RawName("other", None, False),
    "MDEA": RawName("other", None, False),
    "MDMB-CHMICA": RawName("other", None, False),
    "Mephedrone (4-methylmethcathinone, 4-MMC)": RawName("other", None, False),
    "Mescaline": RawName("other", None, False),
    "Methadone": RawName("other", None, False),
    "Methaqualone": RawName("other", None, False),
    "Methcathinone": RawName("other", None, False),
    "Methylamine": RawName("other", None, False),
    "Methylphenidate": RawName("other", None, False),
    "Methylphenidate (Ritalin, Concerta)": RawName("other", None, False),
    "Midazolam": RawName("other", None, False),
    "Morphine": RawName("other", None, False),
    "Mushrooms (hallucinogenic)": RawName("other", None, False),
    "Naloxone": RawName("other", None, False),
    "Nimetazepam (Erimin, “Happy Five”)": RawName("other", None, False),
    "Nitrazepam": RawName("other", None, False),
    "Non-specified": RawName("other", None, False),
    "Non-specified hallucinogens": RawName("other", None, False),
    "Non-specified NPS": RawName("other", None, False),
    "Non-specified opioids": RawName("other", None, False),
    "Non-specified precursors": RawName("other", None, False),
    "Non-specified sedatives and tranquillizers": RawName("other", None, False),
    "Non-specified substances not under int. control": RawName("other", None, False),
    "Opioids": RawName("other", None, False),
    "Other drugs/substances": RawName("other", None, False),
    "Other hallucinogens": RawName("other", None, False),
    "Other illicit opiates": RawName("other", None, False),
    "Other illicit opioids": RawName("other", None, False),
    "Other miscellaneous": RawName("other", None, False),
    "Other NPS": RawName("other", None, False),
    "Other Plant-based substances": RawName("other", None, False),
    "Other precursors": RawName("other", None, False),
    "Other prescription medicines": RawName("other", None, False),
    "Other sedatives and tranquillizers": RawName("other", None, False),
    "Other stimulants": RawName("other", None, False),
    "Other substances not under int. control": RawName("other", None, False),
    "Oxazepam": RawName("other", None, False),
    "Oxycodone": RawName("other", None, False),
    "Pentedrone": RawName("other", None, False),
    "Pharmaceutical opioids": RawName("other", None, False),
    "Phenazepam": RawName("other", None, False),
    "Phencyclidine (PCP)": RawName("other", None, False),
    "Phenethylamine": RawName("other", None, False),
    "Phenethylamines": RawName("other", None, False),
    "Phenmetrazine": RawName("other", None, False),
    "Phentermine": RawName("other", None, False),
    "Phenylacetone (P-2-P)": RawName("other", None, False),
    "Piperazines": RawName("other", None, False),
    "Plant-based new psychoactive substances": RawName("other", None, False),
    "Plant-based NPS": RawName("other", None, False),
    "Poppy plants": RawName("other", None, False),
    "Poppy seed": RawName("other", None, False),
    "Poppy straw (seed heads, pods or capsules)": RawName("other", None, False),
    "Potassium permanganate": RawName("other", None, False),
    "Prescription stimulants": RawName("other", None, False),
    "Pseudoephedrine": RawName("other", None, False),
    "Psilocybine": RawName("other", None, False),
    "Psychotropic substances": RawName("other", None, False),
    "Pyrovalerone": RawName("other", None, False),
    "Salvia divinorum": RawName("other", None, False),
    "Sedatives and tranquilizers (please specify)": RawName("other", None, False),
    "Sedatives and tranquillizers": RawName("other", None, False),
    "Solvents and inhalants": RawName("other", None, False),
    "STP (DOM, 2,5-dimethoxy-4-methylamphetamine)": RawName("other", None, False),
    "Sulphuric acid": RawName("other", None, False),
    "Synthetic cannabinoids (Spice)": RawName("other", None, False),
    "Synthetic cannabinoids (“Spice”)": RawName("other", None, False),
    "Synthetic cannabinoids under international control": RawName("other", None, False),
    "Synthetic cathinones": RawName("other", None, False),
    "Tramadol": RawName("other", None, False),
    "Tryptamines": RawName("other", None, False),
    "U-47700": RawName("other", None, False),
    "UR-144": RawName("other", None, False),
    "Valium": RawName("other", None, False),
    "Zopiclone": RawName("other", None, False),
    "Total amphetamine-type stimulants (ATS) (including the above, all other ATS, and any unspecified/undistinguished quantities of ATS)": RawName(
        "reported_total", None, True
    ),
    "Total hallucinogens (including the above, all other hallucinogens, and any unspecified/undistinguished quantities of hallucinogens)": RawName(
        "reported_total", None, True
    ),
    "Total sedatives and tranquillizers (including the above, all other sedatives and tranquillizers, and any unspecified/undistinguished quantities of sedatives and tranquillizers)": RawName(
        "reported_total", None, True
    ),
}

#: Raw UNODC names of the precursor chemicals on file (``unodc_seizures`` rows of the drug group
#: "Precursors"; their drug class stays "other": a chemical is not a drug) -> the chemical as
#: :data:`drugflows.domain.precursors.CHEMICALS` keys it (which drug it serves is said there). The
#: two residual names ("Non-specified precursors", "Other precursors") do not say which chemical.
PRECURSOR_NAMES = {
    "3,4-Methylenedioxyphenyl-2-propanone (3,4-MDP-2-P, PMK)": "pmk",
    "Acetic anhydride": "acetic_anhydride",
    "Acetone": "acetone",
    "Ephedrine": "ephedrine",
    "Hydrochloric acid": "hydrochloric_acid",
    "Methylamine": "methylamine",
    "Non-specified precursors": "unspecified",
    "Other precursors": "unspecified",
    "Phenylacetone (P-2-P)": "p2p",
    "Potassium permanganate": "potassium_permanganate",
    "Pseudoephedrine": "pseudoephedrine",
    "Sulphuric acid": "sulphuric_acid",
}

#: CBP drug type (``cbp_seizures_monthly.drug``, ``amo_seizures_monthly.drug``) -> drug class.
CBP_NAMES = {
    "Cocaine": RawName("cocaine"),
    "Ecstasy": RawName("ecstasy"),
    "Fentanyl": RawName("fentanyl"),
    "Heroin": RawName("heroin"),
    "Ketamine": RawName("ketamine"),
    "Khat (Catha Edulis)": RawName("khat"),
    "Lsd": RawName("lsd"),
    "Marijuana": RawName("cannabis_herb"),
    "Methamphetamine": RawName("methamphetamine"),
    "Other Drugs": RawName("other"),
}
#: CDC overdose-death category (``us_overdose_deaths.drug``) -> class. A death can involve several
#: drugs: the categories overlap, and all_drugs and any_opioid are totals of others.
DEATHS_NAMES = {
    "all_drugs": RawName("reported_total", total=True),
    "any_opioid": RawName("opioids", total=True),
    "antidepressants": RawName("antidepressants"),
    "benzodiazepines": RawName("benzodiazepines"),
    "cocaine": RawName("cocaine"),
    "heroin": RawName("heroin"),
    "methadone": RawName("methadone"),
    "natural_semisynthetic_opioids": RawName("natural_semisynthetic_opioids"),
    "opioid_pain_relievers": RawName("opioid_pain_relievers"),
    "psychostimulants": RawName("methamphetamine"),
    "synthetic_opioids": RawName("fentanyl"),
}
#: CDC's specific drugs, found in the death certificates' literal text
#: (``overdose_deaths_12m_by_drug.drug``) -> class. A death can involve several: they overlap.
#: "Fentanyl" here is close to, not the same as, the ICD-10 code T40.4 of the tables below.
SPECIFIC_DRUG_NAMES = {
    "Cocaine": RawName("cocaine"),
    "Fentanyl": RawName("fentanyl"),
    "Gabapentin": RawName("other"),
    "Heroin": RawName("heroin"),
    "Methamphetamine": RawName("methamphetamine"),
    "Oxycodone": RawName("natural_semisynthetic_opioids"),
    "Xylazine": RawName("xylazine"),
}
#: VSRR indicator (``overdose_deaths_12m_by_state.indicator``) -> class: every drug indicator of
#: the full VSRR file (data.cdc.gov xkb8-kh2a), of which the file on hand holds only T40.4.
VSRR_INDICATOR_NAMES = {
    "Number of Drug Overdose Deaths": RawName("reported_total", total=True),
    "Opioids (T40.0-T40.4,T40.6)": RawName("opioids", total=True),
    "Natural, semi-synthetic, & synthetic opioids, incl. methadone (T40.2-T40.4)": RawName(
        "opioids", total=True
    ),
    "Natural & semi-synthetic opioids, incl. methadone (T40.2, T40.3)": RawName("opioids", total=True),
    "Heroin (T40.1)": RawName("heroin"),
    "Natural & semi-synthetic opioids (T40.2)": RawName("natural_semisynthetic_opioids"),
    "Methadone (T40.3)": RawName("methadone"),
    "Synthetic opioids, excl. methadone (T40.4)": RawName("fentanyl"),
    "Cocaine (T40.5)": RawName("cocaine"),
    "Psychostimulants with abuse potential (T43.6)": RawName("methamphetamine"),
}
#: ICD-10 multiple cause of death code of CDC WONDER (``overdose_deaths_monthly_by_state.cause_code``)
#: -> class. T40.4 "Other synthetic narcotics" is mostly illicit fentanyl; T43.6 mostly methamphetamine.
WONDER_CAUSE_CODES = {
    "T40.1": RawName("heroin"),
    "T40.2": RawName("natural_semisynthetic_opioids"),
    "T40.3": RawName("methadone"),
    "T40.4": RawName("fentanyl"),
    "T40.5": RawName("cocaine"),
    "T43.6": RawName("methamphetamine"),
}
#: NFLIS category (``nflis_reports.category``) -> class.
NFLIS_NAMES = {"Fentanyl and Fentanyl-related": RawName("fentanyl")}


@dataclass(frozen=True)
class Stage:
    """A stage of the chain toward the US market, as the price and chain views name it: ``label``
    for tables, ``place`` for sentences, and the countries (by ``countries.region_group`` or ISO3) that make it up."""

    label: str
    place: str
    region_groups: tuple[str, ...] = ()
    iso3: tuple[str, ...] = ()


ANDES = Stage("Source (Andean region)", "the Andean region", region_groups=("Andean region",))
MEXICO_SOURCE = Stage("Source (Mexico)", "Mexico", iso3=("MEX",))
CENTRAL_AMERICA_MEXICO = Stage(
    "Transit (Central America, Mexico)",
    "Central America and Mexico",
    region_groups=("Central America",),
    iso3=("MEX",),
)


@dataclass(frozen=True)
class Drug:
    """What each table calls one report drug (empty or None: not on file in that table).

    ``unodc``: UNODC drug classes; ``cbp``: CBP drug type; ``label``: the name in sentences;
    ``source``/``transit``: the stages of production and transit toward the US (None: no such stage
    is defined for the drug); ``price_forms``: the UNODC forms priced along the chain (None: all)."""

    label: str
    unodc: tuple[str, ...] = ()
    cbp: str | None = None
    in_amo: bool = False
    nflis: str | None = None
    crop: str | None = None
    deaths: str | None = None
    deaths_label: str | None = None
    source: Stage | None = None
    transit: Stage | None = None
    price_forms: tuple[str, ...] | None = None


#: Report drug -> its codes in each table. Heroin for the US market comes from Mexico (DEA, National
#: Drug Threat Assessment), not the Andes; so do methamphetamine and fentanyl (made in Mexico from
#: imported precursors); cocaine from the Andean region, through Central America and Mexico.
DRUGS = {
    "cocaine": Drug(
        label="cocaine",
        unodc=("cocaine",),
        cbp="Cocaine",
        in_amo=True,
        crop="coca",
        deaths="cocaine",
        deaths_label="cocaine",
        source=ANDES,
        transit=CENTRAL_AMERICA_MEXICO,
        price_forms=("hydrochloride",),
    ),
    "fentanyl": Drug(
        label="fentanyl",
        unodc=("fentanyl",),
        cbp="Fentanyl",
        in_amo=True,
        nflis="Fentanyl and Fentanyl-related",
        deaths="synthetic_opioids",
        deaths_label="synthetic opioids other than methadone (mostly fentanyl)",
        source=MEXICO_SOURCE,
    ),
    "methamphetamine": Drug(
        label="methamphetamine",
        unodc=("methamphetamine",),
        cbp="Methamphetamine",
        in_amo=True,
        deaths="psychostimulants",
        deaths_label="psychostimulants with abuse potential (mostly methamphetamine)",
        source=MEXICO_SOURCE,
        price_forms=("unspecified", "powder"),
    ),
    "heroin": Drug(
        label="heroin",
        unodc=("heroin",),
        cbp="Heroin",
        in_amo=True,
        crop="opium_poppy",
        deaths="heroin",
        deaths_label="heroin",
        source=MEXICO_SOURCE,
    ),
    "cannabis": Drug(
        label="cannabis", unodc=("cannabis_herb", "cannabis_resin"), cbp="Marijuana", in_amo=True
    ),
    "ecstasy": Drug(label="ecstasy (MDMA)", unodc=("ecstasy",), cbp="Ecstasy"),
    "ketamine": Drug(label="ketamine", cbp="Ketamine"),
    "khat": Drug(label="khat", cbp="Khat (Catha Edulis)"),
    "lsd": Drug(label="LSD", cbp="Lsd"),
    "other drugs": Drug(label="other drugs", cbp="Other Drugs"),
}
#: The report drugs with an overdose-death series, in the order the demand reports list them.
DEATHS_DRUGS = ("fentanyl", "methamphetamine", "cocaine", "heroin")
#: The report drugs with a UNODC seizure series (the trafficking_flows report).
UNODC_DRUGS = tuple(name for name, spec in DRUGS.items() if spec.unodc)
#: The report drugs with a CBP drug type (the border_seizures report).
CBP_DRUGS = tuple(name for name, spec in DRUGS.items() if spec.cbp)


def report_drug(value: object, valid: tuple[str, ...] = tuple(DRUGS)) -> str:
    """The report name of a drug parameter: a report name (``cannabis``) or a publisher's spelling
    (``Marijuana``, ``Fentanyl``, CBP's or CDC's code), any case. ParameterError listing ``valid``
    (report names) otherwise."""
    if isinstance(value, str):
        key = value.strip().casefold()
        for name in valid:
            spec = DRUGS[name]
            if key in {name.casefold(), *(c.casefold() for c in (spec.cbp, spec.deaths) if c)}:
                return name
    return params.choose("drug", value, valid)


def unodc_rows(table, drug: str, forms: tuple[str, ...] | None = None):
    """Rows of a UNODC table (``unodc_seizures`` or ``drug_prices``) of the report drug's classes,
    by the vocabulary (not the processed ``drug_class``), with columns form and total added;
    ``forms``: keep only these forms."""
    names = table["drug"].map(UNODC_NAMES)
    known = names.notna()
    classes = names[known].map(lambda n: n.drug_class)
    keep = known.copy()
    keep[known] = classes.isin(DRUGS[drug].unodc)
    rows = table[keep].copy()
    rows["form"] = names[keep].map(lambda n: n.form)
    rows["total"] = names[keep].map(lambda n: n.total).astype(bool)
    if forms is not None:
        rows = rows[rows["form"].isin(forms)]
    return rows
