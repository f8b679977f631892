import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './low-uid-or-gid.cases.js';

ruleTester(cases.rule, cases);
