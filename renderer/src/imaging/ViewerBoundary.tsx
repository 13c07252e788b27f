import { Alert, Button, Center, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { Component, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface BoundaryState {
  failed: boolean;
  attempt: number;
}

/**
 * Keeps a failing viewer (its code not loading, a codec throwing while rendering) inside its own
 * area: the report beside it, and the rest of the workstation, stay usable.
 */
export class ViewerBoundary extends Component<{ children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { failed: false, attempt: 0 };

  static getDerivedStateFromError(): Partial<BoundaryState> {
    return { failed: true };
  }

  override render() {
    if (this.state.failed)
      return (
        <ViewerFailed
          onRetry={() => this.setState((state) => ({ failed: false, attempt: state.attempt + 1 }))}
        />
      );
    return (
      <div key={this.state.attempt} className="tabib-viewer-slot">
        {this.props.children}
      </div>
    );
  }
}

function ViewerFailed({ onRetry }: { onRetry(): void }) {
  const { t } = useTranslation();
  return (
    <Center h="100%" p="md" data-testid="viewer-failed">
      <Alert
        color="red"
        variant="filled"
        icon={<IconAlertTriangle />}
        title={t('imagingScreens.reading.viewerFailedTitle')}
      >
        <Stack gap="xs">
          <Text size="sm">{t('imagingScreens.reading.viewerFailed')}</Text>
          <Button size="xs" variant="white" color="red.9" w="fit-content" onClick={onRetry}>
            {t('imagingScreens.reading.viewerRetry')}
          </Button>
        </Stack>
      </Alert>
    </Center>
  );
}
