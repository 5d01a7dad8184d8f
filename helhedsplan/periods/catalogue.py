"""The standard indicator catalogue as this system ships it, per funding period (``periods.standard`` loads
it; the data migration ``periods/0004_indicator_catalogue`` holds a frozen copy).

What is fact and what is not: every row names its real source (Danmarks Statistik's registers through
Landsbyggefonden's Beboerdata / Boligsociale Data, lbf.dk; the municipality's survey), and the topics are the
ones lbf.dk lists for Beboerdata. The exact definitions behind Beboerdata's and Boligsociale Data's tables are in
LBF's "datagrundlag", which no source at hand quotes, so those definitions are ours and marked as examples. The
four criteria of almenboliglovens § 61 a, stk. 1 (DOMAIN.md) are defined by the law itself and shipped as fact.
"""

from __future__ import annotations

from typing import Any

BEBOERDATA = "Danmarks Statistik via Landsbyggefonden (Beboerdata)"
BEBOERDATA_URL = "https://www.lbf.dk/selvbetjeninger/beboerdata/"
BOLIGSOCIALE_DATA = "Danmarks Statistik via Landsbyggefonden (Boligsociale Data)"
BOLIGSOCIALE_DATA_URL = "https://lbf.dk/selvbetjeninger/boligsociale-data/"
# lbf.dk: Boligsociale Data "vil blive opdateret to gange årligt"; Beboerdata "når der foreligger nye tal fra
# Danmarks Statistik".
TWICE_A_YEAR = "To gange årligt"
WITH_NEW_FIGURES = "Når Danmarks Statistik har nye tal"
LAW_61A = "Almenboliglovens § 61 a, stk. 1 (toårige gennemsnit); opgjort i Beboerdata som parallelsamfundskriterieværdier."


def _row(
    code: str,
    name: str,
    definition: str,
    unit: str,
    direction: str,
    level: str,
    *,
    source: str = BEBOERDATA,
    source_url: str = BEBOERDATA_URL,
    update_cadence: str = WITH_NEW_FIGURES,
    is_example: bool = True,
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "definition": definition,
        "unit": unit,
        "direction": direction,
        "level": level,
        "source": source,
        "source_url": source_url,
        "update_cadence": update_cadence,
        "is_example": is_example,
    }


CATALOGUE_2019_2026: list[dict[str, Any]] = [
    # The indicators Landsbyggefonden names itself; their exact definitions are LBF's datagrundlag's, not at hand.
    _row(
        "valgdeltagelse",
        "Valgdeltagelse",
        "Eksempel: andel af områdets stemmeberettigede beboere, der stemte ved seneste kommunal- eller "
        "folketingsvalg.",
        "%",
        "higher",
        "plan",
        source=BOLIGSOCIALE_DATA,
        source_url=BOLIGSOCIALE_DATA_URL,
        update_cadence=TWICE_A_YEAR,
    ),
    _row(
        "unge-uden-uddannelse-beskaeftigelse",
        "Unge uden for uddannelse og beskæftigelse",
        "Eksempel: antal unge (15/18-24/29 år) i området, der hverken er i uddannelse eller beskæftigelse.",
        "personer",
        "lower",
        "plan",
        source=BOLIGSOCIALE_DATA,
        source_url=BOLIGSOCIALE_DATA_URL,
        update_cadence=TWICE_A_YEAR,
    ),
    _row(
        "ledighed",
        "Ledighed",
        "Eksempel: andel af områdets 18-64-årige, der er ledige eller på offentlig forsørgelse uden for "
        "arbejdsmarkedet.",
        "%",
        "lower",
        "plan",
        source=BOLIGSOCIALE_DATA,
        source_url=BOLIGSOCIALE_DATA_URL,
        update_cadence=TWICE_A_YEAR,
    ),
    _row(
        "tryghed",
        "Tryghed",
        "Eksempel: andel af beboerne, der føler sig trygge i deres boligområde, i kommunens årlige "
        "tryghedsundersøgelse.",
        "%",
        "higher",
        "plan",
        source="Kommunens årlige tryghedsundersøgelse",
        source_url="",
        update_cadence="Årligt",
    ),
    # The criteria of almenboliglovens § 61 a, stk. 1: defined by the law (fact), reported per estate.
    _row(
        "61a-uden-arbejde-uddannelse",
        "18-64-årige uden tilknytning til arbejdsmarked eller uddannelse",
        "Andel af beboerne i alderen 18-64 år, der er uden tilknytning til arbejdsmarkedet eller "
        "uddannelsessystemet, gennemsnit over de seneste to år. Kriteriet er opfyldt over 40 %. " + LAW_61A,
        "%",
        "lower",
        "estate",
        is_example=False,
    ),
    _row(
        "61a-doemte",
        "Dømte for overtrædelse af straffeloven, våbenloven eller lov om euforiserende stoffer",
        "Andel af beboerne, der er dømt for overtrædelse af straffeloven, våbenloven eller lov om euforiserende "
        "stoffer, i forhold til landsgennemsnittet, gennemsnit over de seneste to år. Kriteriet er opfyldt ved "
        "mindst tre gange landsgennemsnittet. " + LAW_61A,
        "gange landsgennemsnittet",
        "lower",
        "estate",
        is_example=False,
    ),
    _row(
        "61a-kun-grundskole",
        "30-59-årige med alene en grunduddannelse",
        "Andel af beboerne i alderen 30-59 år, der alene har en grunduddannelse (grundskole). Kriteriet er "
        "opfyldt over 60 %. " + LAW_61A,
        "%",
        "lower",
        "estate",
        is_example=False,
    ),
    _row(
        "61a-bruttoindkomst",
        "Gennemsnitlig bruttoindkomst for 15-64-årige i forhold til regionen",
        "Gennemsnitlig bruttoindkomst for skattepligtige beboere i alderen 15-64 år, eksklusive "
        "uddannelsessøgende, i procent af den gennemsnitlige bruttoindkomst for samme gruppe i regionen. "
        "Kriteriet er opfyldt under 55 %. " + LAW_61A,
        "% af regionens",
        "higher",
        "estate",
        is_example=False,
    ),
    # Beboerdata's standard tables (the topics lbf.dk lists); one example measure each.
    _row(
        "beboere-alder",
        "Beboere efter alder",
        "Eksempel: antal beboere pr. 1. januar, opdelt på aldersgrupper.",
        "personer",
        "",
        "estate",
    ),
    _row(
        "husstande",
        "Husstande efter type",
        "Eksempel: antal husstande pr. 1. januar, opdelt på husstandstyper (enlige, par, med og uden børn).",
        "husstande",
        "",
        "estate",
    ),
    _row(
        "beskaeftigelse",
        "Beboernes beskæftigelse",
        "Eksempel: andel af beboerne i alderen 18-64 år, der er i beskæftigelse.",
        "%",
        "higher",
        "estate",
    ),
    _row(
        "boern-forsoergere",
        "Børn efter antal forsørgere",
        "Eksempel: andel af børnene, der bor med én forsørger.",
        "%",
        "",
        "estate",
    ),
    _row(
        "boern-dagtilbud",
        "Børn i dagtilbud",
        "Eksempel: andel af børn i alderen 1-5 år, der går i dagtilbud.",
        "%",
        "higher",
        "estate",
    ),
    _row(
        "indvandrere-efterkommere",
        "Indvandrere og efterkommere",
        "Eksempel: andel af beboerne, der er indvandrere eller efterkommere, efter alder og oprindelsesland.",
        "%",
        "",
        "estate",
    ),
    _row(
        "uddannelse",
        "Beboernes uddannelse",
        "Eksempel: andel af beboerne i alderen 25-64 år, der har fuldført en ungdomsuddannelse.",
        "%",
        "higher",
        "estate",
    ),
    _row(
        "skoletrivsel",
        "Trivsel i folkeskolens 4.-9. klasse",
        "Eksempel: andel af områdets elever i 4.-9. klasse med høj trivsel i den nationale trivselsmåling.",
        "%",
        "higher",
        "estate",
    ),
    _row(
        "indkomst",
        "Indkomst",
        "Eksempel: gennemsnitlig bruttoindkomst for beboere på 15 år og derover.",
        "kr.",
        "higher",
        "estate",
    ),
    _row(
        "offentlig-forsoergelse",
        "Personer på offentlig forsørgelse",
        "Eksempel: andel af beboerne i alderen 16-64 år, der modtager en offentlig forsørgelsesydelse.",
        "%",
        "lower",
        "estate",
    ),
    _row(
        "flytninger",
        "Til- og fraflyttede",
        "Eksempel: andel af beboerne, der er fraflyttet afdelingen i løbet af året.",
        "%",
        "lower",
        "estate",
    ),
    _row(
        "kriminalitet",
        "Kriminalitet",
        "Eksempel: andel af beboerne i alderen 15-25 år, der er sigtet eller dømt for overtrædelse af "
        "straffeloven i løbet af året.",
        "%",
        "lower",
        "estate",
    ),
    _row(
        "sundhed",
        "Kontakt til sundhedsvæsnet",
        "Eksempel: andel af beboerne, der har haft kontakt til egen læge i løbet af året.",
        "%",
        "",
        "estate",
    ),
]

#: Per funding period code.
STANDARD_CATALOGUE: dict[str, list[dict[str, Any]]] = {"2019-2026": CATALOGUE_2019_2026}
