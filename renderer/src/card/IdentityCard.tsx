import { Alert, Badge, Group, Image, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconShieldCheck, IconShieldQuestion, IconShieldX, IconUser } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CardReadReport, PassiveAuthenticationStatus } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { formatBirthDate } from '../patients/age';
import { NamesInScripts, scriptsInOrder } from '../patients/PatientName';
import { Fact } from '../app/Fact';

const badge: Record<PassiveAuthenticationStatus, { color: string; icon: ReactNode }> = {
  verified: { color: 'teal', icon: <IconShieldCheck size={14} aria-hidden /> },
  'not-verifiable': { color: 'yellow', icon: <IconShieldQuestion size={14} aria-hidden /> },
  failed: { color: 'red', icon: <IconShieldX size={14} aria-hidden /> },
};

/** ICAO 9303-11 §5.1 passive authentication, said for the person at the desk. */
function Verification({ report }: { report: CardReadReport }) {
  const { t } = useTranslation();
  const { status } = report.passiveAuthentication;
  const tampered = report.dataGroups.filter((group) => group.hashValid === false).map((group) => group.name);
  return (
    <Stack gap="xs" data-testid="card-verification" data-status={status}>
      <Group gap="xs">
        <Badge
          size="lg"
          variant="light"
          color={badge[status].color}
          leftSection={badge[status].icon}
          data-testid="card-verification-badge"
        >
          {t(`card.verification.${status}`)}
        </Badge>
        <Text size="xs" c="dimmed" data-testid="card-access-protocol">
          {report.accessProtocol === 'none'
            ? t('card.verification.mrzOnly')
            : t('card.verification.readWith', { protocol: report.accessProtocol })}
        </Text>
      </Group>
      {status === 'failed' ? (
        <Alert color="red" variant="light" icon={<IconShieldX />} data-testid="card-verification-failed">
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              {t('card.verification.failedWhat')}
            </Text>
            {tampered.length > 0 && (
              <Text size="sm">{t('card.verification.failedGroups', { groups: tampered.join(', ') })}</Text>
            )}
            <Text size="sm">{t('card.verification.failedTodo')}</Text>
          </Stack>
        </Alert>
      ) : (
        <Text size="sm" c="dimmed" data-testid="card-verification-explanation">
          {report.accessProtocol === 'none'
            ? t('card.verification.mrzOnlyExplained')
            : t(`card.verification.${status}Explained`)}
        </Text>
      )}
    </Stack>
  );
}

/** The identity read from the card: photo, names in both scripts, numbers and dates, and whether it is genuine. */
export function IdentityCard({ report }: { report: CardReadReport }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const { identity } = report;
  const latin = { family: identity.familyName, given: identity.givenNames };
  const arabic =
    identity.familyNameArabic !== null
      ? { family: identity.familyNameArabic, given: identity.givenNamesArabic ?? '' }
      : null;
  const names = scriptsInOrder({ latin, arabic }, config.language);
  return (
    <Paper withBorder radius="md" p="lg" data-testid="card-identity">
      <Group align="flex-start" wrap="nowrap" gap="xl">
        {identity.photo ? (
          <Image
            src={`data:${identity.photo.mediaType};base64,${identity.photo.base64}`}
            alt={t('card.identity.photo')}
            w={120}
            h={150}
            fit="cover"
            radius="sm"
            data-testid="card-photo"
          />
        ) : (
          <Stack w={120} h={150} align="center" justify="center" bg="gray.1" data-testid="card-no-photo">
            <IconUser size={48} stroke={1.2} aria-hidden color="var(--mantine-color-gray-6)" />
            <Text size="xs" c="dimmed" ta="center">
              {t('card.identity.noPhoto')}
            </Text>
          </Stack>
        )}
        <Stack gap="md" style={{ flex: 1 }}>
          <Title order={3} className="tabib-chart-names" data-testid="card-names">
            <NamesInScripts names={names} />
          </Title>
          <SimpleGrid cols={{ base: 2, md: 4 }} spacing="lg">
            <Fact label={t('card.identity.nationalId')} testId="card-national-id">
              <Text span inherit dir="ltr" className="tabib-identifier">
                {identity.nationalId?.value ?? '—'}
              </Text>
            </Fact>
            <Fact label={t('card.identity.birthDate')} testId="card-birth-date">
              <Text span inherit className="tabib-identifier">
                {identity.birthDate
                  ? formatBirthDate(identity.birthDate, config.language, config.country)
                  : '—'}
              </Text>
            </Fact>
            <Fact label={t('card.identity.sex')} testId="card-sex">
              {t(`patients.gender.${identity.sex}`)}
            </Fact>
            <Fact label={t('card.identity.nationality')} testId="card-nationality">
              <Text span inherit dir="ltr">
                {identity.nationality || '—'}
              </Text>
            </Fact>
            <Fact label={t(`card.identity.documentNumber.${identity.kind}`)} testId="card-document-number">
              <Text span inherit dir="ltr" className="tabib-identifier">
                {identity.documentNumber}
              </Text>
            </Fact>
            <Fact label={t('card.identity.expiry')} testId="card-expiry">
              <Text span inherit className="tabib-identifier">
                {identity.expiryDate
                  ? formatBirthDate(identity.expiryDate, config.language, config.country)
                  : '—'}
              </Text>
            </Fact>
            <Fact label={t('card.identity.issuingState')} testId="card-issuing-state">
              <Text span inherit dir="ltr">
                {identity.issuingState}
              </Text>
            </Fact>
            {identity.placeOfBirth && (
              <Fact label={t('card.identity.placeOfBirth')} testId="card-place-of-birth">
                <Text span inherit dir="auto">
                  {identity.placeOfBirth}
                </Text>
              </Fact>
            )}
          </SimpleGrid>
          <Verification report={report} />
        </Stack>
      </Group>
    </Paper>
  );
}
