/**
 * The viewer's toolbar: the mouse tool, window presets, view actions, layout, linked scrolling,
 * cine, the tag browser and saving. Every button has its name, its shortcut in its hint (one
 * ToolbarHint for the toolbar) and in aria-keyshortcuts, and is reached by Tab.
 */
import { ActionIcon, Button, Group, Menu, NumberInput } from '@mantine/core';
import {
  IconAngle,
  IconArrowUpRight,
  IconContrast,
  IconCrosshair,
  IconDeviceFloppy,
  IconFlipHorizontal,
  IconFlipVertical,
  IconHandMove,
  IconLink,
  IconLinkOff,
  IconMaximize,
  IconOvalVertical,
  IconPlayerPause,
  IconPlayerPlay,
  IconRefresh,
  IconRotate,
  IconRotateClockwise,
  IconRuler,
  IconSquare,
  IconSun,
  IconTags,
  IconZoomIn,
  IconZoomOut,
  IconZoomScan,
  type Icon,
} from '@tabler/icons-react';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { windowPresets } from './presets';
import { ToolbarHint } from './ToolbarHint';

export type PrimaryTool =
  'windowLevel' | 'pan' | 'zoom' | 'length' | 'angle' | 'ellipse' | 'rectangle' | 'probe' | 'arrow';
export type Layout = '1x1' | '1x2' | '2x2';
export type ViewAction =
  | { kind: 'preset'; width: number; center: number }
  | {
      kind:
        'zoomIn' | 'zoomOut' | 'fit' | 'rotateRight' | 'rotateLeft' | 'flipH' | 'flipV' | 'invert' | 'reset';
    };

export interface ViewerToolbarProps {
  canMeasure: boolean;
  primaryTool: PrimaryTool;
  onPrimaryTool(tool: PrimaryTool): void;
  layout: Layout;
  onLayout(layout: Layout): void;
  linked: boolean;
  onLinked(linked: boolean): void;
  cine: { playing: boolean; fps: number };
  onCine(cine: { playing: boolean; fps: number }): void;
  onAction(action: ViewAction): void;
  onTags(): void;
  onSave(): void;
  /** The study is linked to a patient of the record, where measurements are kept. */
  studyLinked: boolean;
  unsaved: number;
  saving: boolean;
}

const navigation: [PrimaryTool, Icon][] = [
  ['windowLevel', IconContrast],
  ['pan', IconHandMove],
  ['zoom', IconZoomScan],
];
const measuring: [PrimaryTool, Icon][] = [
  ['length', IconRuler],
  ['angle', IconAngle],
  ['ellipse', IconOvalVertical],
  ['rectangle', IconSquare],
  ['probe', IconCrosshair],
  ['arrow', IconArrowUpRight],
];
const actions: [ViewAction['kind'], Icon, string][] = [
  ['zoomIn', IconZoomIn, '+'],
  ['zoomOut', IconZoomOut, '-'],
  ['fit', IconMaximize, '='],
  ['rotateLeft', IconRotate, 'L'],
  ['rotateRight', IconRotateClockwise, 'R'],
  ['flipH', IconFlipHorizontal, 'H'],
  ['flipV', IconFlipVertical, 'V'],
  ['invert', IconSun, 'I'],
  ['reset', IconRefresh, 'Space'],
];

function ToolButton({
  label,
  shortcut,
  icon: IconComponent,
  pressed,
  onClick,
  testId,
}: {
  label: string;
  shortcut?: string;
  icon: Icon;
  pressed?: boolean;
  onClick(): void;
  testId: string;
}) {
  return (
    <ActionIcon
      variant={pressed ? 'filled' : 'subtle'}
      color={pressed ? 'blue' : 'gray'}
      size="md"
      aria-label={label}
      aria-pressed={pressed === undefined ? undefined : pressed}
      aria-keyshortcuts={shortcut === 'Space' ? 'Space' : shortcut}
      onClick={onClick}
      data-hint={shortcut ? `${label} (${shortcut})` : label}
      data-testid={testId}
    >
      <IconComponent size={18} stroke={1.6} aria-hidden />
    </ActionIcon>
  );
}

export function ViewerToolbar(props: ViewerToolbarProps) {
  const { t } = useTranslation();
  const toolbar = useRef<HTMLDivElement>(null);
  const toolButton = ([tool, icon]: [PrimaryTool, Icon]) => (
    <ToolButton
      key={tool}
      label={t(`viewer.tools.${tool}`)}
      icon={icon}
      pressed={props.primaryTool === tool}
      onClick={() => props.onPrimaryTool(tool)}
      testId={`viewer-tool-${tool}`}
    />
  );
  return (
    <div className="tabib-viewer-toolbar" role="toolbar" aria-label={t('viewer.toolbar')} ref={toolbar}>
      <ToolbarHint toolbar={toolbar} />
      <Group gap={2} role="group" aria-label={t('viewer.groups.mouse')}>
        {navigation.map(toolButton)}
      </Group>
      {props.canMeasure && (
        <Group gap={2} role="group" aria-label={t('viewer.groups.measure')}>
          {measuring.map(toolButton)}
        </Group>
      )}
      <Menu position="bottom-start" withinPortal>
        <Menu.Target>
          <Button
            variant="subtle"
            color="gray"
            size="compact-sm"
            data-testid="viewer-presets"
            aria-keyshortcuts="1 2 3 4 5"
          >
            {t('viewer.presets.title')}
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {windowPresets.map((preset) => (
            <Menu.Item
              key={preset.id}
              onClick={() => props.onAction({ kind: 'preset', width: preset.width, center: preset.center })}
              rightSection={<kbd>{preset.key}</kbd>}
              data-testid={`viewer-preset-${preset.id}`}
            >
              {t(`viewer.presets.${preset.id}`)}
            </Menu.Item>
          ))}
        </Menu.Dropdown>
      </Menu>
      <Group gap={2} role="group" aria-label={t('viewer.groups.view')}>
        {actions.map(([kind, icon, shortcut]) => (
          <ToolButton
            key={kind}
            label={t(`viewer.actions.${kind}`)}
            shortcut={shortcut}
            icon={icon}
            onClick={() => props.onAction({ kind } as ViewAction)}
            testId={`viewer-action-${kind}`}
          />
        ))}
      </Group>
      {/* Buttons, not a SegmentedControl: its sliding indicator measures the layout as it mounts. */}
      <Group gap={2} role="group" aria-label={t('viewer.layouts.title')} data-testid="viewer-layout">
        {(['1x1', '1x2', '2x2'] as const).map((layout) => (
          <Button
            key={layout}
            size="compact-xs"
            variant={props.layout === layout ? 'filled' : 'subtle'}
            // blue.8: its white label at 5.1:1 (blue, 3.5:1, is too light for text this small).
            color={props.layout === layout ? 'blue.8' : 'gray'}
            aria-pressed={props.layout === layout}
            onClick={() => props.onLayout(layout)}
          >
            {t(`viewer.layouts.${layout}`)}
          </Button>
        ))}
      </Group>
      <ToolButton
        label={props.linked ? t('viewer.linked.on') : t('viewer.linked.off')}
        icon={props.linked ? IconLink : IconLinkOff}
        pressed={props.linked}
        onClick={() => props.onLinked(!props.linked)}
        testId="viewer-linked"
      />
      <Group gap={4} role="group" aria-label={t('viewer.groups.cine')} wrap="nowrap">
        <ToolButton
          label={props.cine.playing ? t('viewer.cine.pause') : t('viewer.cine.play')}
          shortcut="C"
          icon={props.cine.playing ? IconPlayerPause : IconPlayerPlay}
          pressed={props.cine.playing}
          onClick={() => props.onCine({ ...props.cine, playing: !props.cine.playing })}
          testId="viewer-cine"
        />
        <NumberInput
          size="xs"
          w={88}
          min={1}
          max={60}
          value={props.cine.fps}
          onChange={(value) => {
            const fps = typeof value === 'number' ? value : Number.parseInt(value, 10);
            if (Number.isFinite(fps) && fps >= 1 && fps <= 60) props.onCine({ ...props.cine, fps });
          }}
          aria-label={t('viewer.cine.rate')}
          suffix={` ${t('viewer.cine.unit')}`}
          data-testid="viewer-cine-rate"
        />
      </Group>
      <ToolButton label={t('viewer.tags.open')} icon={IconTags} onClick={props.onTags} testId="viewer-tags" />
      {props.canMeasure && (
        <Button
          size="compact-sm"
          leftSection={<IconDeviceFloppy size={16} aria-hidden />}
          variant={props.unsaved > 0 ? 'filled' : 'light'}
          loading={props.saving}
          // Not linked: looks and is announced disabled, yet stays reachable, so that its hint
          // (hover or focus) says why; a native disabled button gets neither.
          data-disabled={!props.studyLinked || undefined}
          aria-disabled={!props.studyLinked || undefined}
          onClick={props.studyLinked ? props.onSave : undefined}
          aria-keyshortcuts="Control+S"
          aria-description={props.studyLinked ? undefined : t('viewer.measurements.notLinked')}
          data-hint={
            props.studyLinked
              ? `${t('viewer.measurements.save')} (Ctrl+S)`
              : t('viewer.measurements.notLinked')
          }
          data-testid="viewer-save"
          data-unsaved={props.unsaved}
        >
          {props.unsaved > 0
            ? t('viewer.measurements.saveCount', { count: props.unsaved })
            : t('viewer.measurements.save')}
        </Button>
      )}
    </div>
  );
}
