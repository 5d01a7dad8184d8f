"""DATA MIGRATION (hand-written): Landsbyggefonden's standard indicator catalogue for 2019-2026 (the indicators LBF
names itself, the criteria of almenboliglovens § 61 a, stk. 1, and Beboerdata's topics; only the § 61 a
definitions are fact, the rest are marked as examples). A code the period already has is left alone.

The rows are a frozen copy of helhedsplan/periods/catalogue.py as it stood when this migration was written."""

from django.db import migrations

CATALOGUE = {'2019-2026': [{'code': 'valgdeltagelse',
                'name': 'Valgdeltagelse',
                'definition': 'Eksempel: andel af områdets stemmeberettigede beboere, der stemte ved seneste '
                              'kommunal- eller folketingsvalg.',
                'unit': '%',
                'direction': 'higher',
                'level': 'plan',
                'source': 'Danmarks Statistik via Landsbyggefonden (Boligsociale Data)',
                'source_url': 'https://lbf.dk/selvbetjeninger/boligsociale-data/',
                'update_cadence': 'To gange årligt',
                'is_example': True},
               {'code': 'unge-uden-uddannelse-beskaeftigelse',
                'name': 'Unge uden for uddannelse og beskæftigelse',
                'definition': 'Eksempel: antal unge (15/18-24/29 år) i området, der hverken er i uddannelse '
                              'eller beskæftigelse.',
                'unit': 'personer',
                'direction': 'lower',
                'level': 'plan',
                'source': 'Danmarks Statistik via Landsbyggefonden (Boligsociale Data)',
                'source_url': 'https://lbf.dk/selvbetjeninger/boligsociale-data/',
                'update_cadence': 'To gange årligt',
                'is_example': True},
               {'code': 'ledighed',
                'name': 'Ledighed',
                'definition': 'Eksempel: andel af områdets 18-64-årige, der er ledige eller på offentlig '
                              'forsørgelse uden for arbejdsmarkedet.',
                'unit': '%',
                'direction': 'lower',
                'level': 'plan',
                'source': 'Danmarks Statistik via Landsbyggefonden (Boligsociale Data)',
                'source_url': 'https://lbf.dk/selvbetjeninger/boligsociale-data/',
                'update_cadence': 'To gange årligt',
                'is_example': True},
               {'code': 'tryghed',
                'name': 'Tryghed',
                'definition': 'Eksempel: andel af beboerne, der føler sig trygge i deres boligområde, i '
                              'kommunens årlige tryghedsundersøgelse.',
                'unit': '%',
                'direction': 'higher',
                'level': 'plan',
                'source': 'Kommunens årlige tryghedsundersøgelse',
                'source_url': '',
                'update_cadence': 'Årligt',
                'is_example': True},
               {'code': '61a-uden-arbejde-uddannelse',
                'name': '18-64-årige uden tilknytning til arbejdsmarked eller uddannelse',
                'definition': 'Andel af beboerne i alderen 18-64 år, der er uden tilknytning til '
                              'arbejdsmarkedet eller uddannelsessystemet, gennemsnit over de seneste to år. '
                              'Kriteriet er opfyldt over 40 %. Almenboliglovens § 61 a, stk. 1 (toårige '
                              'gennemsnit); opgjort i Beboerdata som parallelsamfundskriterieværdier.',
                'unit': '%',
                'direction': 'lower',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': False},
               {'code': '61a-doemte',
                'name': 'Dømte for overtrædelse af straffeloven, våbenloven eller lov om euforiserende '
                        'stoffer',
                'definition': 'Andel af beboerne, der er dømt for overtrædelse af straffeloven, våbenloven '
                              'eller lov om euforiserende stoffer, i forhold til landsgennemsnittet, '
                              'gennemsnit over de seneste to år. Kriteriet er opfyldt ved mindst tre gange '
                              'landsgennemsnittet. Almenboliglovens § 61 a, stk. 1 (toårige gennemsnit); '
                              'opgjort i Beboerdata som parallelsamfundskriterieværdier.',
                'unit': 'gange landsgennemsnittet',
                'direction': 'lower',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': False},
               {'code': '61a-kun-grundskole',
                'name': '30-59-årige med alene en grunduddannelse',
                'definition': 'Andel af beboerne i alderen 30-59 år, der alene har en grunduddannelse '
                              '(grundskole). Kriteriet er opfyldt over 60 %. Almenboliglovens § 61 a, stk. 1 '
                              '(toårige gennemsnit); opgjort i Beboerdata som '
                              'parallelsamfundskriterieværdier.',
                'unit': '%',
                'direction': 'lower',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': False},
               {'code': '61a-bruttoindkomst',
                'name': 'Gennemsnitlig bruttoindkomst for 15-64-årige i forhold til regionen',
                'definition': 'Gennemsnitlig bruttoindkomst for skattepligtige beboere i alderen 15-64 år, '
                              'eksklusive uddannelsessøgende, i procent af den gennemsnitlige bruttoindkomst '
                              'for samme gruppe i regionen. Kriteriet er opfyldt under 55 %. '
                              'Almenboliglovens § 61 a, stk. 1 (toårige gennemsnit); opgjort i Beboerdata '
                              'som parallelsamfundskriterieværdier.',
                'unit': '% af regionens',
                'direction': 'higher',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': False},
               {'code': 'beboere-alder',
                'name': 'Beboere efter alder',
                'definition': 'Eksempel: antal beboere pr. 1. januar, opdelt på aldersgrupper.',
                'unit': 'personer',
                'direction': '',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': True},
               {'code': 'husstande',
                'name': 'Husstande efter type',
                'definition': 'Eksempel: antal husstande pr. 1. januar, opdelt på husstandstyper (enlige, '
                              'par, med og uden børn).',
                'unit': 'husstande',
                'direction': '',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': True},
               {'code': 'beskaeftigelse',
                'name': 'Beboernes beskæftigelse',
                'definition': 'Eksempel: andel af beboerne i alderen 18-64 år, der er i beskæftigelse.',
                'unit': '%',
                'direction': 'higher',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': True},
               {'code': 'boern-forsoergere',
                'name': 'Børn efter antal forsørgere',
                'definition': 'Eksempel: andel af børnene, der bor med én forsørger.',
                'unit': '%',
                'direction': '',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': True},
               {'code': 'boern-dagtilbud',
                'name': 'Børn i dagtilbud',
                'definition': 'Eksempel: andel af børn i alderen 1-5 år, der går i dagtilbud.',
                'unit': '%',
                'direction': 'higher',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': True},
               {'code': 'indvandrere-efterkommere',
                'name': 'Indvandrere og efterkommere',
                'definition': 'Eksempel: andel af beboerne, der er indvandrere eller efterkommere, efter '
                              'alder og oprindelsesland.',
                'unit': '%',
                'direction': '',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': True},
               {'code': 'uddannelse',
                'name': 'Beboernes uddannelse',
                'definition': 'Eksempel: andel af beboerne i alderen 25-64 år, der har fuldført en '
                              'ungdomsuddannelse.',
                'unit': '%',
                'direction': 'higher',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': True},
               {'code': 'skoletrivsel',
                'name': 'Trivsel i folkeskolens 4.-9. klasse',
                'definition': 'Eksempel: andel af områdets elever i 4.-9. klasse med høj trivsel i den '
                              'nationale trivselsmåling.',
                'unit': '%',
                'direction': 'higher',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': True},
               {'code': 'indkomst',
                'name': 'Indkomst',
                'definition': 'Eksempel: gennemsnitlig bruttoindkomst for beboere på 15 år og derover.',
                'unit': 'kr.',
                'direction': 'higher',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': True},
               {'code': 'offentlig-forsoergelse',
                'name': 'Personer på offentlig forsørgelse',
                'definition': 'Eksempel: andel af beboerne i alderen 16-64 år, der modtager en offentlig '
                              'forsørgelsesydelse.',
                'unit': '%',
                'direction': 'lower',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': True},
               {'code': 'flytninger',
                'name': 'Til- og fraflyttede',
                'definition': 'Eksempel: andel af beboerne, der er fraflyttet afdelingen i løbet af året.',
                'unit': '%',
                'direction': 'lower',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': True},
               {'code': 'kriminalitet',
                'name': 'Kriminalitet',
                'definition': 'Eksempel: andel af beboerne i alderen 15-25 år, der er sigtet eller dømt for '
                              'overtrædelse af straffeloven i løbet af året.',
                'unit': '%',
                'direction': 'lower',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': True},
               {'code': 'sundhed',
                'name': 'Kontakt til sundhedsvæsnet',
                'definition': 'Eksempel: andel af beboerne, der har haft kontakt til egen læge i løbet af '
                              'året.',
                'unit': '%',
                'direction': '',
                'level': 'estate',
                'source': 'Danmarks Statistik via Landsbyggefonden (Beboerdata)',
                'source_url': 'https://www.lbf.dk/selvbetjeninger/beboerdata/',
                'update_cadence': 'Når Danmarks Statistik har nye tal',
                'is_example': True}]}


def forwards(apps, schema_editor):
    FundingPeriod = apps.get_model("periods", "FundingPeriod")
    CatalogueIndicator = apps.get_model("periods", "CatalogueIndicator")
    for period_code, rows in CATALOGUE.items():
        period = FundingPeriod.objects.filter(code=period_code).first()
        if period is None:
            continue
        present = set(CatalogueIndicator.objects.filter(period=period).values_list("code", flat=True))
        CatalogueIndicator.objects.bulk_create(
            CatalogueIndicator(period=period, order=order, **row)
            for order, row in enumerate(rows, start=1)
            if row["code"] not in present
        )


def backwards(apps, schema_editor):
    CatalogueIndicator = apps.get_model("periods", "CatalogueIndicator")
    for period_code, rows in CATALOGUE.items():
        CatalogueIndicator.objects.filter(
            period__code=period_code, code__in=[row["code"] for row in rows]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("periods", "0004_indicator_catalogue")]

    operations = [migrations.RunPython(forwards, backwards)]
