import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { isRouteErrorResponse, useRouteError } from 'react-router';

/** Shown when a page fails to load (e.g. a new build replaced the page's file): reloading fixes it. */
export function RouteError() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : error instanceof Error ? error.message : String(error);
  return (
    <Center h="100vh" p="md">
      <Stack align="center" maw={480}>
        <Title order={2}>This page could not be shown</Title>
        <Text c="dimmed" ta="center">{detail}</Text>
        <Text ta="center">Reload the page. If Usher was just updated, the reload fetches the new version.</Text>
        <Button onClick={() => window.location.reload()}>Reload</Button>
      </Stack>
    </Center>
  );
}
